import { MAX_ATTENDEES } from '../services/events';
import { date, integer, text } from './declare';

/** The details of an event, shared by create and update. */
export const EVENT_DETAILS = {
  name: text('event name (unique)'),
  start: date('start, such as 2026-12-24 18:30', { placeholder: 'datetime' }),
  end: date('end, after the start', { placeholder: 'datetime' }),
  location: text('where it takes place', { placeholder: 'text' }),
  attendees: integer('expected number of guests', { placeholder: 'n', min: 0, max: MAX_ATTENDEES }),
  notes: text('free notes', { placeholder: 'text' }),
} as const;
