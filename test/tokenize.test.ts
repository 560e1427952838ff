import test from 'ava';
import { UsageError } from '../lib/errors';
import { tokenize } from '../lib/shell/tokenize';

const texts = (line: string) => tokenize(line).words.map((word) => word.text);

test('quotes group words, backslashes escape, and nothing else is special', (t) => {
  t.deepEqual(texts(`client show "Kevin Casey" --search 100% a_b #12 (vegan) a\\ b`), [
    'client', 'show', 'Kevin Casey', '--search', '100%', 'a_b', '#12', '(vegan)', 'a b',
  ]);
});

test('single quotes keep backslashes; double quotes take escaped quotes', (t) => {
  t.deepEqual(texts(`a 'c:\\dir' "say \\"hi\\""`), ['a', 'c:\\dir', 'say "hi"']);
  t.deepEqual(texts(`x ""`), ['x', '']);
});

test('> and >> at the end name the output file', (t) => {
  t.deepEqual(tokenize('client list > out.csv').redirect, { file: 'out.csv', append: false });
  t.deepEqual(texts('client list > out.csv'), ['client', 'list']);
  t.deepEqual(tokenize('client list>>"my file.json"').redirect, { file: 'my file.json', append: true });
  t.deepEqual(texts('client list --search "a > b"'), ['client', 'list', '--search', 'a > b']);
});

test('a redirection without exactly one file, or an open quote, is a usage error', (t) => {
  t.throws(() => tokenize('client list >'), { instanceOf: UsageError });
  t.throws(() => tokenize('client list > a b'), { instanceOf: UsageError });
  t.throws(() => tokenize('client show "Kevin'), { instanceOf: UsageError });
});

test('each word says whether any of it was quoted or escaped', (t) => {
  t.deepEqual(tokenize(`client create --company "--Dash Co" '--x' \\--y pre"fix" plain`).words, [
    { text: 'client', quoted: false },
    { text: 'create', quoted: false },
    { text: '--company', quoted: false },
    { text: '--Dash Co', quoted: true },
    { text: '--x', quoted: true },
    { text: '--y', quoted: true },
    { text: 'prefix', quoted: true },
    { text: 'plain', quoted: false },
  ]);
});
