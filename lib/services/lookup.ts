import { cast, col, fn, literal, Op, QueryTypes, where, type Includeable, type WhereOptions } from 'sequelize';
import { foldColumn, foldText } from '../db/fold';
import type { Model, ModelCtor } from 'sequelize-typescript';
import type { ServiceContext, Tx } from '../db/context';
import { isAllowed } from '../permissions';
import { NotFound, quoted, ValidationError } from '../errors';
import { Client, Collaborator, Contract, Event } from '../../models';
import type { Role } from '../roles';
import { rawAccess } from './list-query';
import { escapeLike } from './validation';

/**
 * Identifiers typed by staff (README, "Using the shell"): `12` or `#12`, or a name matched case- and
 * accent-insensitively. An unknown or ambiguous name lists the closest matches with their ids.
 */

const ID = /^#?(\d{1,9})$/;

interface Named extends Model {
  id: number;
}

/**
 * Clients and events are searched through SECURITY DEFINER functions that return ids: under
 * row-level security a condition on epic_fold, LIKE or pg_trgm's % cannot use an index
 * (migration 20261130000300 says why). Collaborators are few, and their policy hides some of
 * them from some roles: they are looked up directly, and only completion goes through
 * epic_names_starting (namesStartingWith).
 */
type IndexedKind = 'client' | 'event';
const isIndexed = (kind: string): kind is IndexedKind => kind === 'client' || kind === 'event';

/** A value written as an SQL literal, escaped. */
const sqlValue = (value: string | number | null) => (value === null ? 'NULL' : Client.sequelize!.escape(value));

/** A call of a database function, its arguments escaped as SQL literals. */
const sqlCall = (name: string, ...args: (string | number | null)[]) => `${name}(${args.map(sqlValue).join(', ')})`;

/** `id IN (SELECT <search function>(<arguments>))`. */
function idAmong(search: string, ...args: (string | number | null)[]): WhereOptions {
  return { id: { [Op.in]: literal(`(SELECT ${sqlCall(search, ...args)})`) } };
}

/** A text search of clients: their folded name, email, company and phone (searchText) LIKE `pattern`, or their phone LIKE `phonePattern`. */
export interface ClientSearch {
  pattern: string;
  phonePattern: string | null;
}

/** The clients a search matches, through its gram index. */
export function clientsMatching(search: ClientSearch): WhereOptions {
  return idAmong('epic_client_ids_matching', search.pattern, search.phonePattern);
}

/**
 * A page of a search, as a function's rows (migrations 20261130001500 to 20261201000200): the
 * ids of the first `limit` matches in the client lists' order, only `salesContactId`'s clients if
 * set, each with how many matches the function counted (`enough` of them when it stopped there).
 */
export function clientSearchPage(search: ClientSearch, salesContactId: number | undefined, enough: number, limit: number): string {
  return sqlCall('epic_client_search_page', search.pattern, search.phonePattern, salesContactId ?? null, enough, limit);
}

/** The condition "named `name`, whatever its case and accents". */
export function namedCondition(kind: IndexedKind, name: string): WhereOptions {
  return idAmong('epic_ids_named', kind, name);
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
  const named = isIndexed(kind) ? namedCondition(kind, ref) : where(folded, foldText(ref));
  const matches = await model.findAll({
    where: { [Op.and]: [named, ...(extra ? [extra] : [])] },
    include,
    limit: 10,
    order: [['id', 'ASC']],
    transaction: tx.transaction,
  });
  if (matches.length === 1) return matches[0];
  throw await unresolvedName(tx, model, kind, nameColumn, ref, matches, extra);
}

/** Why `ref` names no single record: the records it names (several), or the closest names (none). */
async function unresolvedName<M extends Named>(tx: Tx, model: ModelCtor<M>, kind: string, nameColumn: string, ref: string, matches: M[], extra?: WhereOptions): Promise<Error> {
  const show = (m: M) => `#${m.id} ${m.get(nameColumn)}`;
  if (matches.length > 1) {
    return new ValidationError(undefined, `${quoted(ref)} names ${matches.length} ${kind}s: ${matches.map(show).join(', ')}; use the id`);
  }
  const folded = foldColumn(`${model.name}.${nameColumn}`);
  const contains = `%${escapeLike(ref)}%`;
  const close = await model.findAll({
    where: {
      [Op.and]: [
        // pg_trgm's % (similar enough) and LIKE both use the trigram index on the folded name.
        isIndexed(kind)
          ? idAmong('epic_ids_resembling', kind, ref, contains, CLOSEST)
          : { [Op.or]: [where(folded, '%', foldText(ref)), where(folded, Op.like, foldText(contains))] },
        ...(extra ? [extra] : []),
      ],
    },
    order: [[fn('similarity', folded, foldText(ref)), 'DESC'], ['id', 'ASC']],
    limit: CLOSEST,
    transaction: tx.transaction,
  });
  const hint = close.length ? `; closest: ${close.map(show).join(', ')}` : '';
  return new NotFound(`no ${kind} named ${quoted(ref)}${hint}`);
}

const CLOSEST = 5;

async function byId<M extends Named>(tx: Tx, model: ModelCtor<M>, kind: string, id: number, include?: Includeable[]): Promise<M> {
  const found = await model.findByPk(id, { include, transaction: tx.transaction });
  if (!found) throw new NotFound(`no ${kind} #${id}`);
  return found;
}

/** A reference as typed: an id (`12`, `#12`) or else a name. */
type Ref = { id: number; name?: undefined } | { id?: undefined; name: string };

function parseRef(kind: string, ref: unknown): Ref {
  if (typeof ref !== 'string' || ref.trim() === '') throw new ValidationError(kind, `expected an id or a name`);
  const value = ref.trim();
  const id = ID.exec(value);
  return id ? { id: Number(id[1]) } : { name: value };
}

export function findClient(tx: Tx, ref: unknown, include?: Includeable[]): Promise<Client> {
  const parsed = parseRef('client', ref);
  return parsed.id !== undefined ? byId(tx, Client, 'client', parsed.id, include) : byName(tx, Client, 'client', 'fullName', parsed.name, undefined, include);
}

/**
 * The id a client reference names, for a caller that reads the client itself: an id as typed,
 * without a query (the caller says `no client #id` when its read finds none), a name looked up.
 */
export async function clientIdOf(tx: Tx, ref: unknown): Promise<number> {
  const parsed = parseRef('client', ref);
  return parsed.id ?? idByName(tx, Client, 'client', 'fullName', parsed.name);
}

/**
 * The id of the one client or event named `name`, by itself: a statement its connection keeps
 * prepared, no Sequelize instance built. When several are, the look-up by name lists them (up
 * to ten); when none is, the closest names are said.
 */
async function idByName(tx: Tx, model: ModelCtor<Named>, kind: IndexedKind, nameColumn: string, name: string): Promise<number> {
  // PostgreSQL text holds no NUL, so no name does, and a parameter may not: such a name is simply not found.
  const ids = name.includes('\0') ? [] : await rawAccess(tx.transaction, model).rows<{ id: number }>({ text: 'SELECT epic_ids_named($1, $2) AS id LIMIT 2', values: [kind, name] }, true);
  if (ids.length === 1) return ids[0].id;
  if (ids.length > 1) return (await byName(tx, model, kind, nameColumn, name)).id;
  throw await unresolvedName(tx, model, kind, nameColumn, name, []);
}

/** An event's id as typed (`12`, `#12`) or by name; the caller says when no event has that id. */
export async function eventIdOf(tx: Tx, ref: unknown): Promise<number> {
  const parsed = parseRef('event', ref);
  return parsed.id ?? idByName(tx, Event, 'event', 'name', parsed.name);
}

/** An event by id or name; `include` loads its associations in the same query. */
export function findEvent(tx: Tx, ref: unknown, include?: Includeable[]): Promise<Event> {
  const parsed = parseRef('event', ref);
  return parsed.id !== undefined ? byId(tx, Event, 'event', parsed.id, include) : byName(tx, Event, 'event', 'name', parsed.name, undefined, include);
}

export function findContract(tx: Tx, ref: unknown, include?: Includeable[]): Promise<Contract> {
  const { id } = parseRef('contract', ref);
  if (id === undefined) throw new ValidationError('contract', `expected a contract id such as 12 or #12, got ${quoted(String(ref))}`);
  return byId(tx, Contract, 'contract', id, include);
}

/** A collaborator by id, email or name. */
export async function findCollaborator(tx: Tx, ref: unknown, extra?: WhereOptions): Promise<Collaborator> {
  const { id, name } = parseRef('collaborator', ref);
  if (id !== undefined) return byId(tx, Collaborator, 'collaborator', id);
  if (name.includes('@')) {
    const found = await Collaborator.findOne({ where: where(fn('lower', col('email')), name.toLowerCase()), transaction: tx.transaction });
    if (!found) throw new NotFound(`no collaborator with email ${quoted(name)}`);
    return found;
  }
  return byName(tx, Collaborator, 'collaborator', 'fullName', name, extra);
}

/**
 * The collaborator a list filter (`--sales`, `--support`) names. Someone who may list
 * collaborators gets the usual answers (not found, closest matches). Anyone else must not be
 * able to test whether an email or a name belongs to a colleague: the filter then matches
 * whoever it names exactly, and an unknown name or email simply matches nothing — the same
 * empty list as a colleague with no records.
 */
export async function filterCollaborator(ctx: ServiceContext, ref: unknown, role: Role, field: string): Promise<number | number[]> {
  if (isAllowed(ctx.actor.role, 'collaborator.list')) return (await findCollaboratorWithRole(ctx, ref, role, field)).id;
  const { id, name } = parseRef('collaborator', ref);
  const named =
    id !== undefined
      ? { id }
      : name.includes('@')
        ? where(fn('lower', col('email')), name.toLowerCase())
        : where(foldColumn('fullName'), foldText(name));
  const found = await Collaborator.findAll({ attributes: ['id'], where: named, transaction: ctx.transaction });
  return found.map((collaborator) => collaborator.id);
}

/**
 * Names starting with what was typed, for tab completion, in folded order: the comparison and
 * the order use the C collation on the folded name, which an index serves as a range
 * (migration 20261130000002), read through epic_names_starting for collaborators too
 * (migration 20261130000600: only those the actor may see). A collaborator is also found by
 * the start of their email.
 */
export async function namesStartingWith(tx: Tx, kind: 'client' | 'event' | 'collaborator', prefix: string, limit: number): Promise<string[]> {
  const pattern = `${escapeLike(foldPrefix(prefix))}%`;
  const byName = `SELECT name FROM epic_names_starting(:kind, :pattern, :limit) WITH ORDINALITY ORDER BY ordinality`;
  const byEmail = `SELECT email AS name FROM collaborators WHERE lower(email) COLLATE "C" LIKE lower(:pattern) ORDER BY lower(email) COLLATE "C" LIMIT :limit`;
  const query = (sql: string) =>
    Client.sequelize!.query<{ name: string }>(sql, { replacements: { kind, pattern, limit }, type: QueryTypes.SELECT, transaction: tx.transaction });
  // A collaborator's email is offered when what was typed is no name's start.
  let rows = prefix.includes('@') && kind === 'collaborator' ? [] : await query(byName);
  if (rows.length === 0 && kind === 'collaborator') rows = await query(byEmail);
  return rows.map((row) => row.name);
}

/** Contracts whose id starts with the digits typed, with their client's name to tell them apart. */
export async function contractsStartingWith(tx: Tx, digits: string, limit: number): Promise<{ id: number; clientName: string }[]> {
  if (!/^\d*$/.test(digits)) return [];
  const contracts = await Contract.findAll({
    attributes: ['id'],
    include: [{ model: Client, attributes: ['fullName'] }],
    where: digits === '' ? {} : where(cast(col('Contract.id'), 'text'), Op.like, `${digits}%`),
    order: [['id', 'ASC']],
    limit,
    transaction: tx.transaction,
  });
  return contracts.map((contract) => ({ id: contract.id, clientName: contract.client?.fullName ?? '' }));
}

/** Spaces typed twice are one in the name the line will be read as. */
function foldPrefix(prefix: string): string {
  return prefix.replace(/\s+/g, ' ');
}

/** A collaborator named for a job only one role does (`--support`, `--sales`, `--to`): any other role is refused. */
export async function findCollaboratorWithRole(tx: Tx, ref: unknown, role: Role, field: string): Promise<Collaborator> {
  const found = await findCollaborator(tx, ref);
  if (found.role !== role) throw new ValidationError(field, `${found.fullName} is ${found.role}, not ${role}`);
  return found;
}
