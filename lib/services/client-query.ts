import type { WhereOptions } from 'sequelize';
import type { ServiceContext } from '../db/context';
import { Client } from '../../models';
import type { ListQuery } from './list-query';
import { MATCHING, readPage } from './page';
import type { ClientRow } from './rows';

/**
 * The columns of clientRow, with the list's join and its order: alphabetical as people read it,
 * Élodie among the E, not after Z. With `searchPage` (clientSearchPage), only the rows of the
 * page that function sorted, each with how many matches it found.
 */
export function clientListQuery(where: WhereOptions, { search = false, searchPage }: { search?: boolean; searchPage?: string } = {}): ListQuery {
  const select = `SELECT ${searchPage ? `p.matching AS "${MATCHING}", ` : ''}"Client".id, "Client"."fullName", "Client".email, "Client".phone, "Client"."companyName", "Client"."salesContactId",
           "salesContact"."fullName" AS "salesContact", "Client"."createdAt", "Client"."updatedAt", "Client"."lastContactAt"
      FROM clients AS "Client" ${searchPage ? `JOIN ${searchPage} AS p ON p.id = "Client".id ` : ''}LEFT JOIN collaborators AS "salesContact" ON "salesContact".id = "Client"."salesContactId"`;
  return { select, model: Client, where, orderBy: 'ORDER BY "Client"."foldedName", "Client".id', countedWithPage: search };
}

/** A client as the client list shows it: a plain row through the list's query, which its connection keeps prepared. */
export async function readClientRow(ctx: ServiceContext, id: number): Promise<ClientRow | undefined> {
  return (await readPage<ClientRow>(ctx, clientListQuery({ id }), undefined)).rows[0];
}
