import { text } from './shared';
import type { Input, OptionSpec } from './types';

/** The details of an event, shared by create and update. */
export const EVENT_DETAIL_OPTIONS: OptionSpec[] = [
  { name: 'name', type: 'string', summary: 'event name (unique)' },
  { name: 'start', type: 'string', placeholder: 'datetime', summary: 'start, such as 2026-12-24 18:30' },
  { name: 'end', type: 'string', placeholder: 'datetime', summary: 'end, after the start' },
  { name: 'location', type: 'string', placeholder: 'text', summary: 'where it takes place' },
  { name: 'attendees', type: 'string', placeholder: 'n', summary: 'expected number of guests' },
  { name: 'notes', type: 'string', placeholder: 'text', summary: 'free notes' },
];

export function eventDetails(input: Input) {
  return {
    name: text(input, 'name'),
    start: text(input, 'start'),
    end: text(input, 'end'),
    location: text(input, 'location'),
    attendees: text(input, 'attendees'),
    notes: text(input, 'notes'),
  };
}
