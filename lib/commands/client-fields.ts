import { text } from './declare';

/** The details of a client, shared by create and update. */
export const CLIENT_DETAILS = {
  name: text("the client's full name", { placeholder: 'full name' }),
  email: text('email address'),
  phone: text('phone number (French unless it starts with +)'),
  company: text('company name (optional)'),
} as const;
