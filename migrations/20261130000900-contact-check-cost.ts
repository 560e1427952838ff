import type { QueryInterface } from 'sequelize';

/**
 * The planner's price of epic_is_contact, the check of the collaborators policy for a
 * non-manager (migration 20261130000600): it runs two probes and checks the session, about
 * 40 µs a call, but was priced like any function (100), as cheap as a comparison. So to join a
 * client to its salesperson the planner read all collaborators and checked each one (30 calls,
 * 1.2 ms of a one-client query) rather than fetching the one it needs by key and checking it
 * alone (0.4 ms). Priced at its cost, it is called only for the rows a query keeps. A later
 * CREATE OR REPLACE of the function must say COST 5000 again: left out, the price goes back to
 * 100 (test/list-scale.test.ts would see the plan change).
 */
export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.query('ALTER FUNCTION epic_is_contact(int) COST 5000');
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.query('ALTER FUNCTION epic_is_contact(int) COST 100');
}
