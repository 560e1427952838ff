import test from 'ava';
import { UsageError } from '../lib/errors';
import { tokenize } from '../lib/shell/tokenize';

test('quotes group words, backslashes escape, and nothing else is special', (t) => {
  t.deepEqual(tokenize(`client show "Kevin Casey" --search 100% a_b #12 (vegan) a\\ b`).words, [
    'client', 'show', 'Kevin Casey', '--search', '100%', 'a_b', '#12', '(vegan)', 'a b',
  ]);
});

test('single quotes keep backslashes; double quotes take escaped quotes', (t) => {
  t.deepEqual(tokenize(`a 'c:\\dir' "say \\"hi\\""`).words, ['a', 'c:\\dir', 'say "hi"']);
  t.deepEqual(tokenize(`x ""`).words, ['x', '']);
});

test('> and >> at the end name the output file', (t) => {
  t.deepEqual(tokenize('client list > out.csv'), { words: ['client', 'list'], redirect: { file: 'out.csv', append: false } });
  t.deepEqual(tokenize('client list>>"my file.json"'), { words: ['client', 'list'], redirect: { file: 'my file.json', append: true } });
  t.deepEqual(tokenize('client list --search "a > b"').words, ['client', 'list', '--search', 'a > b']);
});

test('a redirection without exactly one file, or an open quote, is a usage error', (t) => {
  t.throws(() => tokenize('client list >'), { instanceOf: UsageError });
  t.throws(() => tokenize('client list > a b'), { instanceOf: UsageError });
  t.throws(() => tokenize('client show "Kevin'), { instanceOf: UsageError });
});
