import { col, fn, Op, where, type Includeable, type WhereOptions } from 'sequelize';
import { foldColumn, foldText } from '../db/fold';
import type { Model, ModelCtor } from 'sequelize-typescript';
import type { Tx } from '../db/context';
import { NotFound, ValidationError } from '../errors';
import { Client, Collaborator, Contract, Event } from '../../models';
import type { Role } from '../roles';
import { escapeLike } from './validation';

/**
 * Identifiers typed by staff (README, "Using the shell"): `12` or `#12`, or a name matched case- and
 * accent-insensitively. An unknown or ambiguous name lists the closest matches with their ids.
 */

const ID = /^#?(\d{1,9})$/;

interface Named extends Model {
  id: number;
}

async function byName<M extends Named>(
  tx: Tx,
  model: ModelCtor<M>,
  kind: string,
  nameColumn: string,
  ref: string,
  extra?: WhereOptions,
  include?: Includeable[],
): Promise<M> {
  // Qualified by the model's alias: included models may have a column of the same name.
  const folded = foldColumn(`${model.name}.${nameColumn}`);
  const matches = await model.findAll({
    where: { [Op.and]: [where(folded, foldText(ref)), ...(extra ? [extra] : [])] },
    include,
    limit: 10,
    order: [['id', 'ASC']],
    transaction: tx.transaction,
  });
  if (matches.length === 1) return matches[0];
  const show = (m: M) => `#${m.id} ${m.get(nameColumn)}`;
  if (matches.length > 1) {
    throw new ValidationError(undefined, `"${ref}" names ${matches.length} ${kind}s: ${matches.map(show).join(', ')}; use the id`);
  }
  const close = await model.findAll({
    where: {
      [Op.and]: [
        // pg_trgm's % (similar enough) and LIKE both use the trigram index on the folded name.
        { [Op.or]: [where(folded, '%', foldText(ref)), where(folded, Op.like, foldText(`%${escapeLike(ref)}%`))] },
        ...(extra ? [extra] : []),
      ],
    },
    order: [[fn('similarity', folded, foldText(ref)), 'DESC']],
    limit: 5,
    transaction: tx.transaction,
  });
  const hint = close.length ? `; closest: ${close.map(show).join(', ')}` : '';
  throw new NotFound(`no ${kind} named "${ref}"${hint}`);
}

async function byId<M extends Named>(tx: Tx, model: ModelCtor<M>, kind: string, id: number, include?: Includeable[]): Promise<M> {
  const found = await model.findByPk(id, { include, transaction: tx.transaction });
  if (!found) throw new NotFound(`no ${kind} #${id}`);
  return found;
}

function parseRef(kind: string, ref: unknown): string {
  if (typeof ref !== 'string' || ref.trim() === '') throw new ValidationError(kind, `expected an id or a name`);
  return ref.trim();
}

export function findClient(tx: Tx, ref: unknown, include?: Includeable[]): Promise<Client> {
  const value = parseRef('client', ref);
  const id = ID.exec(value);
  return id ? byId(tx, Client, 'client', Number(id[1]), include) : byName(tx, Client, 'client', 'fullName', value, undefined, include);
}

/** An event by id or name; `include` loads its associations in the same query. */
export function findEvent(tx: Tx, ref: unknown, include?: Includeable[]): Promise<Event> {
  const value = parseRef('event', ref);
  const id = ID.exec(value);
  return id ? byId(tx, Event, 'event', Number(id[1]), include) : byName(tx, Event, 'event', 'name', value, undefined, include);
}

export function findContract(tx: Tx, ref: unknown, include?: Includeable[]): Promise<Contract> {
  const id = ID.exec(parseRef('contract', ref));
  if (!id) throw new ValidationError('contract', `expected a contract id such as 12 or #12, got "${String(ref)}"`);
  return byId(tx, Contract, 'contract', Number(id[1]), include);
}

/** A collaborator by id, email or name. */
export async function findCollaborator(tx: Tx, ref: unknown, extra?: WhereOptions): Promise<Collaborator> {
  const value = parseRef('collaborator', ref);
  const id = ID.exec(value);
  if (id) return byId(tx, Collaborator, 'collaborator', Number(id[1]));
  if (value.includes('@')) {
    const found = await Collaborator.findOne({ where: where(fn('lower', col('email')), value.toLowerCase()), transaction: tx.transaction });
    if (!found) throw new NotFound(`no collaborator with email "${value}"`);
    return found;
  }
  return byName(tx, Collaborator, 'collaborator', 'fullName', value, extra);
}

/** Names starting with what was typed, for tab completion. */
export async function namesStartingWith(tx: Tx, kind: 'client' | 'event' | 'collaborator', prefix: string, limit: number): Promise<string[]> {
  const [model, column] = ({ client: [Client, 'fullName'], event: [Event, 'name'], collaborator: [Collaborator, 'fullName'] } as const)[kind];
  const rows = await (model as ModelCtor<Named>).findAll({
    attributes: [column],
    where: where(foldColumn(column), Op.like, foldText(`${escapeLike(prefix)}%`)),
    order: [[column, 'ASC']],
    limit,
    transaction: tx.transaction,
  });
  return rows.map((row) => String(row.get(column)));
}

/** A collaborator named for a job only one role does (`--support`, `--sales`, `--to`): any other role is refused. */
export async function findCollaboratorWithRole(tx: Tx, ref: unknown, role: Role, field: string): Promise<Collaborator> {
  const found = await findCollaborator(tx, ref);
  if (found.role !== role) throw new ValidationError(field, `${found.fullName} is ${found.role}, not ${role}`);
  return found;
}
