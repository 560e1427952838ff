import * as Sentry from '@sentry/node';
import { Collaborator, Contract } from '../../models';
import { currentActor } from '../db/context';
import { projectRoot } from '../paths';
import type { Reporter } from './reporter';
import { scrubBreadcrumb, scrubEvent } from './scrub';
import type { Transaction } from 'sequelize';

/**
 * Sentry (README, "Configuration"), loaded only when SENTRY_DSN is set. Unexpected errors are captured by the
 * shell's wrapper and the process handlers; business events come from model hooks; every
 * event is scrubbed before it leaves.
 */

export interface SentryOptions {
  dsn: string;
  environment?: string;
  release: string;
  /** Keeps the local reference when Sentry drops an event (rate limit, scrubbing). */
  fallback: Reporter;
}

// The shell installs its own handlers (they print a reference and keep the shell alive), and
// console output is client data: these default integrations go.
const DROPPED_INTEGRATIONS = new Set(['Console', 'OnUncaughtException', 'OnUnhandledRejection', 'Http', 'NodeFetch', 'LocalVariables', 'LocalVariablesAsync', 'Postgres', 'Tedious', 'Modules']);

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

function installModelHooks(): void {
  Collaborator.addHook('afterCreate', 'sentry', (instance: Collaborator, options: { transaction?: Transaction | null }) => {
    const tags = { ...actorTags(), collaborator_id: String(instance.id), role: instance.role };
    afterCommit(options, () => Sentry.captureMessage('collaborator created', { level: 'info', tags }));
  });
  Collaborator.addHook('afterUpdate', 'sentry', (instance: Collaborator, options: { transaction?: Transaction | null }) => {
    const changed = (instance.changed() || []).filter((field) => REPORTED_FIELDS.includes(field as string));
    if (changed.length && currentActor()) {
      const tags = { ...actorTags(), collaborator_id: String(instance.id), role: instance.role };
      const fields = changed.join(',');
      afterCommit(options, () => Sentry.captureMessage('collaborator updated', { level: 'info', tags, extra: { changed_fields: fields } }));
    }
  });
  Collaborator.addHook('afterDestroy', 'sentry', (instance: Collaborator, options: { transaction?: Transaction | null }) => {
    const tags = { ...actorTags(), collaborator_id: String(instance.id), role: instance.role };
    afterCommit(options, () => Sentry.captureMessage('collaborator deleted', { level: 'info', tags }));
  });
  const signed = (how: string) => (instance: Contract, options: { transaction?: Transaction | null }) => {
    const tags = { ...actorTags(), contract_id: String(instance.id), how };
    afterCommit(options, () => Sentry.captureMessage('contract signed', { level: 'info', tags }));
  };
  Contract.addHook('afterUpdate', 'sentry', (instance: Contract, options: { transaction?: Transaction | null }) => {
    if (instance.changed('signed') && instance.signed && instance.previous('signed') === false) signed('signed')(instance, options);
  });
  Contract.addHook('afterCreate', 'sentry', (instance: Contract, options: { transaction?: Transaction | null }) => {
    if (instance.signed) signed('created signed')(instance, options);
  });
  // Sequelize runs validationFailed hooks but its type definitions omit them.
  type AddHook = (name: string, id: string, hook: ReturnType<typeof validationBreadcrumb>) => void;
  (Collaborator.addHook as unknown as AddHook).call(Collaborator, 'validationFailed', 'sentry', validationBreadcrumb('Collaborator'));
  (Contract.addHook as unknown as AddHook).call(Contract, 'validationFailed', 'sentry', validationBreadcrumb('Contract'));
}

/** Which fields failed, never their values. */
function validationBreadcrumb(model: string) {
  return (_instance: unknown, _options: unknown, error: { errors?: { path?: string }[] }) => {
    const fields = (error.errors ?? []).map((e) => e.path).join(',');
    Sentry.addBreadcrumb({ category: 'validation', level: 'warning', message: `${model} validation failed`, data: { model, fields } });
  };
}

export function startSentry(options: SentryOptions): Reporter {
  Sentry.init({
    dsn: options.dsn,
    environment: options.environment,
    release: options.release,
    serverName: 'epic-events-crm',
    dataCollection: {
      userInfo: false,
      databaseQueryData: false,
      stackFrameVariables: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
    },
    integrations: (defaults) => [
      ...defaults.filter((integration) => !DROPPED_INTEGRATIONS.has(integration.name)),
      // Stack frames name files relative to the install folder, which may be in a home folder.
      Sentry.rewriteFramesIntegration({ root: projectRoot() }),
    ],
    beforeSend: (event, hint) => scrubEvent(event, hint.originalException),
    beforeBreadcrumb: (crumb) => scrubBreadcrumb(crumb),
    // A Sentry that is slow or down must not hold a command: sending happens in the background.
    shutdownTimeout: 2000,
  });
  return {
    watchModels: installModelHooks,
    warn(message, tags) {
      Sentry.captureMessage(message, { level: 'warning', tags });
    },
    captureException(error) {
      return Sentry.captureException(error) || options.fallback.captureException(error);
    },
    async flush(timeoutMs) {
      await Sentry.flush(timeoutMs);
    },
  };
}
