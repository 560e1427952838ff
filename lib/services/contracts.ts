import { literal, Op, type WhereOptions } from 'sequelize';
import type { ServiceContext } from '../db/context';
import { ValidationError } from '../errors';
import { assertAllowed, mineScope } from '../permissions';
import { Client, Contract } from '../../models';
import { findClient, findContract } from './lookup';
import { contractRow, type ContractRow, type Listing } from './rows';
import { eachBatch, type BatchSink } from './batches';
import { readPage } from './page';
import type { ListQuery } from './list-query';
import { cents, euros, money } from './validation';

export interface ContractFilters {
  signed?: boolean;
  paid?: boolean;
  client?: string;
  mine?: boolean;
  limit?: number;
}

/** Scopes exist once the models are added to Sequelize: built when a query needs them. */
const withClient = () => [
  {
    model: Client.scope('withSalesContact'),
    attributes: ['id', 'fullName', 'salesContactId'],
  },
];

async function contractConditions(ctx: ServiceContext, filters: ContractFilters): Promise<WhereOptions> {
  assertAllowed(ctx.actor, 'contract.list');
  const conditions: WhereOptions[] = [];
  if (filters.signed !== undefined) conditions.push({ signed: filters.signed });
  if (filters.paid !== undefined) conditions.push({ amountDue: filters.paid ? 0 : { [Op.gt]: 0 } });
  if (filters.client !== undefined) conditions.push({ clientId: (await findClient(ctx, filters.client)).id });
  if (filters.mine) {
    mineScope(ctx.actor, 'contract');
    // The client's salesperson, kept on the contract (migration 20261130000500): an index serves it in id order.
    conditions.push({ clientSalesContactId: ctx.actor.id });
  }
  return { [Op.and]: conditions };
}

/** The columns of contractRow, joined as a contract names its client and their salesperson, in id order. */
function contractListQuery(where: WhereOptions): ListQuery {
  const select = `SELECT "Contract".id, "Contract"."clientId", client."fullName" AS client, client."salesContactId", "salesContact"."fullName" AS "salesContact",
           "Contract"."totalAmount", "Contract"."amountDue", "Contract".signed, "Contract"."signedAt", "Contract"."createdAt"
      FROM contracts AS "Contract" LEFT JOIN clients AS client ON client.id = "Contract"."clientId"
           LEFT JOIN collaborators AS "salesContact" ON "salesContact".id = client."salesContactId"`;
  return { select, model: Contract, where, orderBy: 'ORDER BY "Contract".id' };
}

export async function listContracts(ctx: ServiceContext, filters: ContractFilters = {}): Promise<Listing<ContractRow>> {
  return readPage(ctx, contractListQuery(await contractConditions(ctx, filters)), filters.limit);
}

/** A client's contracts, as their list shows them. */
export async function contractsOfClient(ctx: ServiceContext, clientId: number): Promise<ContractRow[]> {
  return (await readPage<ContractRow>(ctx, contractListQuery({ clientId }), undefined)).rows;
}

/** Every contract the filters match, in the list's order, to the sink (lib/services/batches.ts). */
export async function eachContractBatch(ctx: ServiceContext, filters: ContractFilters, sink: BatchSink<ContractRow>): Promise<void> {
  await eachBatch(ctx, contractListQuery(await contractConditions(ctx, filters)), sink);
}

/** What the contracts these filters select still owe, in euros ("1234.50"): summed by the database, whatever their number. */
export async function amountDueOf(ctx: ServiceContext, filters: Omit<ContractFilters, 'limit'> = {}): Promise<string> {
  const where = await contractConditions(ctx, filters);
  const [total] = await Contract.findAll({
    // numeric, read as text: exact, and beyond what one contract may hold.
    attributes: [[literal('coalesce(sum("Contract"."amountDue"), 0)::numeric(20, 2)::text'), 'due']],
    where,
    include: [{ model: Client, attributes: [] }],
    raw: true,
    transaction: ctx.transaction,
  });
  return (total as unknown as { due: string }).due;
}

function loadContract(ctx: ServiceContext, ref: string): Promise<Contract> {
  return findContract(ctx, ref, withClient());
}

export async function showContract(ctx: ServiceContext, ref: string): Promise<ContractRow> {
  assertAllowed(ctx.actor, 'contract.show');
  return contractRow(await loadContract(ctx, ref));
}

/** Loads a contract and checks the actor may do the action on it (its sales contact is the client's). */
async function contractFor(ctx: ServiceContext, ref: string, action: 'contract.update' | 'contract.sign' | 'contract.pay' | 'contract.delete'): Promise<Contract> {
  assertAllowed(ctx.actor, action);
  const contract = await loadContract(ctx, ref);
  assertAllowed(ctx.actor, action, { salesContactId: contract.client!.salesContactId });
  return contract;
}

function assertDueWithinTotal(due: bigint, total: bigint): void {
  if (total <= 0n) throw new ValidationError('total', 'must be more than 0');
  if (due > total) throw new ValidationError('due', `must not exceed the total amount (${euros(total)})`);
}

export interface NewContract {
  client: string;
  total: unknown;
  due?: unknown;
  signed?: boolean;
}

export async function createContract(ctx: ServiceContext, input: NewContract): Promise<ContractRow> {
  assertAllowed(ctx.actor, 'contract.create');
  const total = money('total', input.total);
  const due = input.due === undefined ? total : money('due', input.due);
  assertDueWithinTotal(due, total);
  const client = await findClient(ctx, input.client);
  const signed = input.signed === true;
  const contract = await Contract.create(
    { clientId: client.id, totalAmount: euros(total), amountDue: euros(due), signed, signedAt: signed ? ctx.clock.now() : null },
    { transaction: ctx.transaction },
  );
  return showContract(ctx, String(contract.id));
}

export async function updateContract(ctx: ServiceContext, ref: string, input: { total?: unknown; due?: unknown }): Promise<ContractRow> {
  const contract = await contractFor(ctx, ref, 'contract.update');
  if (input.total === undefined && input.due === undefined) throw new ValidationError(undefined, 'nothing to change: give --total or --due');
  const total = input.total === undefined ? cents(contract.totalAmount) : money('total', input.total);
  const due = input.due === undefined ? cents(contract.amountDue) : money('due', input.due);
  assertDueWithinTotal(due, total);
  await contract.update({ totalAmount: euros(total), amountDue: euros(due) }, { transaction: ctx.transaction });
  // The client did not change: the loaded row, now updated, is the answer.
  return contractRow(contract);
}

/** Signing is one-way; signing a signed contract is refused rather than silently ignored. */
export async function signContract(ctx: ServiceContext, ref: string): Promise<ContractRow> {
  const contract = await contractFor(ctx, ref, 'contract.sign');
  if (contract.signed) throw new ValidationError(undefined, `contract #${contract.id} is already signed`);
  await contract.update({ signed: true, signedAt: ctx.clock.now() }, { transaction: ctx.transaction });
  return contractRow(contract);
}

export async function payContract(ctx: ServiceContext, ref: string, amount: unknown): Promise<ContractRow> {
  const contract = await contractFor(ctx, ref, 'contract.pay');
  const paid = money('amount', amount);
  if (paid <= 0n) throw new ValidationError('amount', 'must be more than 0');
  const due = cents(contract.amountDue);
  if (paid > due) throw new ValidationError('amount', `is more than the amount due (${euros(due)})`);
  await contract.update({ amountDue: euros(due - paid) }, { transaction: ctx.transaction });
  return contractRow(contract);
}

/** What a deletion's confirmation names. */
export async function contractToDelete(ctx: ServiceContext, ref: string): Promise<ContractRow> {
  return contractRow(await contractFor(ctx, ref, 'contract.delete'));
}

export async function deleteContract(ctx: ServiceContext, ref: string): Promise<ContractRow> {
  const contract = await contractFor(ctx, ref, 'contract.delete');
  const row = contractRow(contract);
  await contract.destroy({ transaction: ctx.transaction });
  return row;
}

