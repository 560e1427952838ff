/** "1 contract", "0 contracts", "2 idle minutes": a count with its noun, in the plural unless one. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
