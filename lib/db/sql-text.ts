/** SQL text written by hand (names and values known to the code, or checked before): quoted as PostgreSQL reads them. */

/** A name (a table, a column, an alias): in double quotes, its double quotes doubled. */
export const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** A text literal: in single quotes, its single quotes doubled (standard_conforming_strings, on since PostgreSQL 9.1). */
export const quoteLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;
