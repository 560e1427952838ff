import { activity } from './activity';
import { agenda } from './agenda';
import { clientContact } from './client-contact';
import { clientContacts } from './client-contacts';
import { clientCreate } from './client-create';
import { clientDelete } from './client-delete';
import { clientHistory } from './client-history';
import { clientList } from './client-list';
import { clientReassign } from './client-reassign';
import { clientShow } from './client-show';
import { clientUpdate } from './client-update';
import { collaboratorCreate } from './collaborator-create';
import { collaboratorDelete } from './collaborator-delete';
import { collaboratorHistory } from './collaborator-history';
import { collaboratorList } from './collaborator-list';
import { collaboratorResetPassword } from './collaborator-reset-password';
import { collaboratorShow } from './collaborator-show';
import { collaboratorUpdate } from './collaborator-update';
import { contractCreate } from './contract-create';
import { contractDelete } from './contract-delete';
import { contractHistory } from './contract-history';
import { contractList } from './contract-list';
import { contractPay } from './contract-pay';
import { contractShow } from './contract-show';
import { contractSign } from './contract-sign';
import { contractUpdate } from './contract-update';
import { dbDemo } from './db-demo';
import { dbExport } from './db-export';
import { dbImport } from './db-import';
import { dbMigrate } from './db-migrate';
import { dbStatus } from './db-status';
import { dbStop } from './db-stop';
import { eventAssign } from './event-assign';
import { eventCreate } from './event-create';
import { eventDelete } from './event-delete';
import { eventHistory } from './event-history';
import { eventList } from './event-list';
import { eventShow } from './event-show';
import { eventUnassign } from './event-unassign';
import { eventUpdate } from './event-update';
import { exit } from './exit';
import { help } from './help';
import { login } from './login';
import { logout } from './logout';
import { passwd } from './passwd';
import { setup } from './setup';
import { whoami } from './whoami';
import { isAllowed } from '../permissions';
import type { Role } from '../roles';
import type { CommandSpec, SessionCommandSpec, SystemCommandSpec } from './types';

/** The commands of the installation, run from the system shell only (`epic db stop`). */
export const SYSTEM_COMMANDS: SystemCommandSpec[] = [setup, dbStatus, dbStop, dbMigrate, dbDemo, dbExport, dbImport];

/** The commands of a session, in the order help lists them. */
const SESSION_COMMANDS: SessionCommandSpec[] = [
  login, logout, whoami, passwd, help, exit, agenda,
  clientList, clientShow, clientCreate, clientUpdate, clientDelete, clientReassign, clientContact, clientContacts, clientHistory,
  contractList, contractShow, contractCreate, contractUpdate, contractSign, contractPay, contractDelete, contractHistory,
  eventList, eventShow, eventCreate, eventUpdate, eventAssign, eventUnassign, eventDelete, eventHistory,
  collaboratorList, collaboratorShow, collaboratorCreate, collaboratorUpdate, collaboratorResetPassword, collaboratorDelete, collaboratorHistory,
  activity,
];

/** Every command: the shell and scripts refuse those of the system shell by name. */
export const COMMANDS: CommandSpec[] = [...SESSION_COMMANDS, ...SYSTEM_COMMANDS];

export function isSystemCommand(spec: CommandSpec): spec is SystemCommandSpec {
  return spec.availability.when === 'system-shell';
}

/** The commands available logged out (role undefined) or to a role: what the shell registers. */
export function availableTo(role: Role | undefined): SessionCommandSpec[] {
  return SESSION_COMMANDS.filter((spec) => {
    const a = spec.availability;
    if (a.when === 'always') return true;
    if (a.when === 'logged-out') return role === undefined;
    if (role === undefined) return false;
    return a.when === 'logged-in' || isAllowed(role, a.action);
  });
}

/** The command a line starts with: the longest name matching its first words. */
export function findCommand(words: string[]): { spec: CommandSpec; rest: string[] } | undefined {
  for (const size of [2, 1]) {
    const name = words.slice(0, size).join(' ').toLowerCase();
    const spec = COMMANDS.find((s) => s.name === name);
    if (spec && words.length >= size) return { spec, rest: words.slice(size) };
  }
  return undefined;
}

/** `client` alone: a noun that names a group of commands. */
export function isNoun(word: string): boolean {
  return COMMANDS.some((spec) => spec.name.startsWith(`${word.toLowerCase()} `));
}
