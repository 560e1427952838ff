import type { Transaction } from 'sequelize';
import { Collaborator, Contract } from '../../models';
import { currentActor } from '../db/context';

/**
 * Business events (README, "Error reporting") from model hooks: who was hired, changed or
 * removed, which contract was signed, with ids and roles as tags, never names or emails.
 * Installed without loading Sentry: most commands have nothing to send.
 */

export interface Breadcrumb {
  category: string;
  level: 'warning';
  message: string;
  data: Record<string, string>;
  /** Seconds since the epoch, when it is recorded before the SDK started. */
  timestamp?: number;
}

export interface EventSink {
  message(message: string, context: { level: 'info'; tags: Record<string, string>; extra?: Record<string, string> }): void;
  /** Kept, and sent only with an event that follows. */
  breadcrumb(crumb: Breadcrumb): void;
}

/** The acting collaborator as tags: id and role, never a name or email. */
function actorTags(): Record<string, string> {
  const actor = currentActor();
  return actor ? { actor_id: String(actor.id), actor_role: actor.role } : {};
}

/** Sends after the transaction commits: a rolled-back change did not happen. */
function afterCommit(options: { transaction?: Transaction | null }, send: () => void): void {
  if (options.transaction) options.transaction.afterCommit(send);
  else send();
}

// Fields whose change is worth a message. Passwords, roles and lock-outs change inside
// PostgreSQL's functions, not through the model.
const REPORTED_FIELDS = ['fullName', 'email', 'mustChangePassword'];

export function installModelHooks(sink: EventSink): void {
  Collaborator.addHook('afterCreate', 'sentry', (instance: Collaborator, options: { transaction?: Transaction | null }) => {
    const tags = { ...actorTags(), collaborator_id: String(instance.id), role: instance.role };
    afterCommit(options, () => sink.message('collaborator created', { level: 'info', tags }));
  });
  Collaborator.addHook('afterUpdate', 'sentry', (instance: Collaborator, options: { transaction?: Transaction | null }) => {
    const changed = (instance.changed() || []).filter((field) => REPORTED_FIELDS.includes(field as string));
    if (changed.length && currentActor()) {
      const tags = { ...actorTags(), collaborator_id: String(instance.id), role: instance.role };
      const fields = changed.join(',');
      afterCommit(options, () => sink.message('collaborator updated', { level: 'info', tags, extra: { changed_fields: fields } }));
    }
  });
  Collaborator.addHook('afterDestroy', 'sentry', (instance: Collaborator, options: { transaction?: Transaction | null }) => {
    const tags = { ...actorTags(), collaborator_id: String(instance.id), role: instance.role };
    afterCommit(options, () => sink.message('collaborator deleted', { level: 'info', tags }));
  });
  const signed = (how: string) => (instance: Contract, options: { transaction?: Transaction | null }) => {
    const tags = { ...actorTags(), contract_id: String(instance.id), how };
    afterCommit(options, () => sink.message('contract signed', { level: 'info', tags }));
  };
  Contract.addHook('afterUpdate', 'sentry', (instance: Contract, options: { transaction?: Transaction | null }) => {
    if (instance.changed('signed') && instance.signed && instance.previous('signed') === false) signed('signed')(instance, options);
  });
  Contract.addHook('afterCreate', 'sentry', (instance: Contract, options: { transaction?: Transaction | null }) => {
    if (instance.signed) signed('created signed')(instance, options);
  });
  // Sequelize runs validationFailed hooks but its type definitions omit them.
  type AddHook = (name: string, id: string, hook: ReturnType<typeof validationBreadcrumb>) => void;
  (Collaborator.addHook as unknown as AddHook).call(Collaborator, 'validationFailed', 'sentry', validationBreadcrumb(sink, 'Collaborator'));
  (Contract.addHook as unknown as AddHook).call(Contract, 'validationFailed', 'sentry', validationBreadcrumb(sink, 'Contract'));
}

/** Which fields failed, never their values. */
function validationBreadcrumb(sink: EventSink, model: string) {
  return (_instance: unknown, _options: unknown, error: { errors?: { path?: string }[] }) => {
    const fields = (error.errors ?? []).map((e) => e.path).join(',');
    sink.breadcrumb({ category: 'validation', level: 'warning', message: `${model} validation failed`, data: { model, fields } });
  };
}
