import type { QueryInterface } from 'sequelize';

/**
 * Demo data for trying the CRM (README lists the accounts). Never run by the application
 * itself: `npm run demo`, or `npx sequelize-cli db:seed:all` against DATABASE_URL. Its
 * passwords are published: it refuses a database that already has collaborators however it is
 * started, and every demo account must choose its own password at its first login.
 */

/** Refusal of a database in use; `epic db demo` shows its message as a conflict. */
export class DemoRefused extends Error {
  override name = 'DemoRefused';
}

export const DEMO_ACCOUNTS = [
  { fullName: 'Gabrielle Laurent', email: 'gabrielle.laurent@epic-events.fr', role: 'management', password: 'violet-harbour-lantern-42' },
  { fullName: 'Hugo Bernard', email: 'hugo.bernard@epic-events.fr', role: 'sales', password: 'copper-meadow-falcon-17' },
  { fullName: 'Chloé Petit', email: 'chloe.petit@epic-events.fr', role: 'sales', password: 'silent-orchard-river-88' },
  { fullName: 'Lucas Moreau', email: 'lucas.moreau@epic-events.fr', role: 'support', password: 'amber-glacier-violin-63' },
  { fullName: 'Inès Girard', email: 'ines.girard@epic-events.fr', role: 'support', password: 'paper-comet-thistle-29' },
];

const CLIENTS: [name: string, email: string, phone: string, company: string | null][] = [
  ['Kevin Casey', 'kevin@startup.io', '+33678653030', 'Cool Startup LLC'],
  ['Jean Ouick', 'jean.ouick@ouick.fr', '+33612457890', 'Ouick Traiteur'],
  ['Élodie Durand', 'elodie.durand@gmail.com', '+33698761234', null],
  ['Marc Lefèvre', 'marc@lefevre-avocats.fr', '+33145678901', 'Lefèvre Avocats'],
  ['Sophie Martin', 'sophie.martin@orange.fr', '+33687654321', null],
  ['Thomas Roux', 'thomas.roux@rouxtech.com', '+33611223344', 'RouxTech'],
  ['Camille Fontaine', 'camille@fontaine-design.fr', '+33622334455', 'Fontaine Design'],
  ['Nicolas Garnier', 'n.garnier@banque-alpine.fr', '+33476543210', 'Banque Alpine'],
  ['Julie Chevalier', 'julie.chevalier@yahoo.fr', '+33633445566', null],
  ['Antoine Dubois', 'antoine@dubois-vins.fr', '+33556789012', 'Dubois Vins'],
  ['Manon Lambert', 'manon.lambert@lambert-events.be', '+3224567890', 'Lambert Events'],
  ['Pierre Faure', 'pierre.faure@faure-industries.com', '+33644556677', 'Faure Industries'],
  ['Léa Bonnet', 'lea.bonnet@gmail.com', '+33655667788', null],
  ['Maxime Mercier', 'maxime@mercier-sport.fr', '+33666778899', 'Mercier Sport'],
  ['Chiara Rossi', 'chiara.rossi@rossi.it', '+390612345678', 'Rossi SpA'],
  ['Kevin Costner', 'kcostner@fieldofdreams.us', '+12125550143', 'Field of Dreams Inc'],
  ['Sarah Blanc', 'sarah.blanc@blanc-conseil.fr', '+33677889900', 'Blanc Conseil'],
  ['Louis Girard', 'louis.girard@free.fr', '+33688990011', null],
  ['Emma Lopez', 'emma.lopez@lopez-group.es', '+34912345678', 'Lopez Group'],
  ['Hélène Perrin', 'helene.perrin@perrin-mariage.fr', '+33699001122', 'Perrin Mariages'],
];

// [client index, total, due, signed]
const CONTRACTS: [number, string, string, boolean][] = [
  [0, '25000.00', '0.00', true], [0, '8000.00', '8000.00', false], [1, '12000.00', '4000.00', true],
  [2, '18500.00', '18500.00', true], [3, '6000.00', '0.00', true], [4, '3200.00', '3200.00', false],
  [5, '45000.00', '15000.00', true], [6, '9900.00', '0.00', true], [7, '60000.00', '60000.00', false],
  [8, '4500.00', '1500.00', true], [9, '15000.00', '0.00', true], [10, '7300.00', '7300.00', false],
  [11, '22000.00', '11000.00', true], [12, '2800.00', '2800.00', false], [13, '13400.00', '0.00', true],
  [14, '31000.00', '31000.00', true], [15, '50000.00', '25000.00', true], [16, '5600.00', '5600.00', false],
  [17, '1900.00', '0.00', true], [18, '27500.00', '27500.00', false], [19, '16800.00', '8400.00', true],
  [3, '3500.00', '3500.00', false], [5, '12500.00', '12500.00', true], [11, '9000.00', '0.00', true],
  [19, '4200.00', '4200.00', false],
];

// [contract index, name, start (UTC), hours, location, attendees, support index (3 or 4) or null, notes]
const EVENTS: [number, string, string, number, string, number, number | null, string | null][] = [
  [0, 'Cool Startup Launch Party', '2027-02-12T18:00:00Z', 6, '53 rue du Château, 41120 Candé-sur-Beuvron', 120, 3, 'Wedding-style buffet, DJ until midnight.'],
  [2, 'Ouick Anniversary Dinner', '2027-03-05T19:00:00Z', 5, 'Les Salons Hoche, Paris 8e', 80, 4, null],
  [3, 'Durand Wedding', '2027-06-19T14:00:00Z', 12, 'Château de Vaux, Maincy', 150, null, 'Bride wants white roses everywhere.'],
  [6, 'RouxTech Annual Gala', '2026-12-11T19:30:00Z', 6, 'Pavillon Dauphine, Paris 16e', 300, 3, 'Security badges at the door.'],
  [9, 'Chevalier Birthday', '2026-03-14T20:00:00Z', 5, 'Le Perchoir, Paris 11e', 40, 4, null],
  [10, 'Dubois Wine Tasting', '2026-05-22T17:00:00Z', 4, 'Chai Dubois, Saint-Émilion', 60, null, 'Past event, never assigned.'],
  [12, 'Faure Industries Seminar', '2027-01-20T08:30:00Z', 9, 'Palais des Congrès, Lyon', 220, null, null],
  [14, 'Mercier Sport Kick-off', '2026-09-10T09:00:00Z', 8, 'Stade Charléty, Paris 13e', 500, 3, 'Outdoor: plan B if rain.'],
  [15, 'Rossi Summer Party', '2027-07-03T18:00:00Z', 7, 'Villa Borghese, Roma', 90, 4, null],
  [16, 'Field of Dreams Premiere', '2027-04-15T19:00:00Z', 5, 'Le Grand Rex, Paris 2e', 700, 3, 'Press area near the entrance.'],
];

export async function up(queryInterface: QueryInterface): Promise<void> {
  const bcrypt = require('bcrypt') as typeof import('bcrypt');
  const now = new Date();
  const created = new Date('2026-01-15T09:00:00Z');
  await queryInterface.sequelize.transaction(async (transaction) => {
    // Locked so that nobody creates the first manager between the check and the inserts.
    await queryInterface.sequelize.query('LOCK TABLE collaborators IN SHARE ROW EXCLUSIVE MODE', { transaction });
    const [rows] = await queryInterface.sequelize.query('SELECT EXISTS (SELECT 1 FROM collaborators) AS "inUse"', { transaction });
    if ((rows as { inUse: boolean }[])[0].inUse) {
      throw new DemoRefused('the database already holds collaborators: demo data goes only into an empty one');
    }
    const collaborators = (await queryInterface.bulkInsert(
      'collaborators',
      DEMO_ACCOUNTS.map((a) => ({
        fullName: a.fullName, email: a.email, role: a.role, passwordHash: bcrypt.hashSync(a.password, 10),
        mustChangePassword: true, failedLoginCount: 0, createdAt: created, updatedAt: created, version: 0,
      })),
      { transaction, returning: ['id'] } as object,
    )) as unknown as { id: number }[];
    const salesIds = [collaborators[1].id, collaborators[2].id];
    const clients = (await queryInterface.bulkInsert(
      'clients',
      CLIENTS.map(([fullName, email, phone, companyName], i) => ({
        fullName, email, phone, companyName, salesContactId: salesIds[i % 2],
        createdAt: new Date(created.getTime() + i * 86_400_000), updatedAt: now, version: 0,
      })),
      { transaction, returning: ['id'] } as object,
    )) as unknown as { id: number }[];
    const contracts = (await queryInterface.bulkInsert(
      'contracts',
      CONTRACTS.map(([client, totalAmount, amountDue, signed], i) => ({
        clientId: clients[client].id, totalAmount, amountDue, signed,
        signedAt: signed ? new Date(created.getTime() + (i + 5) * 86_400_000) : null,
        createdAt: new Date(created.getTime() + i * 86_400_000), updatedAt: now, version: 0,
      })),
      { transaction, returning: ['id'] } as object,
    )) as unknown as { id: number }[];
    await queryInterface.bulkInsert(
      'events',
      EVENTS.map(([contract, name, start, hours, location, attendees, support, notes]) => ({
        name, contractId: contracts[contract].id, supportContactId: support === null ? null : collaborators[support].id,
        startsAt: new Date(start), endsAt: new Date(new Date(start).getTime() + hours * 3_600_000),
        location, attendees, notes, createdAt: created, updatedAt: now, version: 0,
      })),
      { transaction },
    );
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    const emails = DEMO_ACCOUNTS.map((a) => a.email);
    const clientEmails = CLIENTS.map(([, email]) => email);
    await queryInterface.sequelize.query(
      `DELETE FROM events WHERE "contractId" IN (SELECT c.id FROM contracts c JOIN clients k ON k.id = c."clientId" WHERE k.email IN (:clientEmails));
       DELETE FROM contracts WHERE "clientId" IN (SELECT id FROM clients WHERE email IN (:clientEmails));
       DELETE FROM clients WHERE email IN (:clientEmails);
       DELETE FROM collaborators WHERE email IN (:emails);`,
      { transaction, replacements: { emails, clientEmails } },
    );
  });
}
