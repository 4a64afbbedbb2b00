#!/usr/bin/env node
// Checks for the VS Code extension's static parts, runnable with plain `node test/grammar.test.js`
// (no test framework, no network, no VS Code):
//
//   1. package.json wiring: language id, file extension, grammar scope name and path, settings,
//      the restart command, and that no `.xml` files are claimed;
//   2. language-configuration.json: comments, brackets, and a word pattern that keeps
//      `web-ip`, `ocf:heartbeat:IPaddr2` and `fail-count` whole;
//   3. every `match` / `begin` / `end` / `while` regex of the TextMate grammar compiles as a
//      JavaScript RegExp (with and without the `u` flag), and every `#include` resolves;
//   4. a small TextMate tokenizer of our own (match and begin/end rules, captures, includes,
//      state carried across lines) runs the grammar over every ../../../examples/*.hapolicy file
//      and a set of hand-written lines, asserting the scopes of items, names, agent specs,
//      comments, keys, operations, numbers and strings.
//
// VS Code itself uses Oniguruma; the grammar keeps to the regex subset both engines share
// (no \G, \A, \z, possessive quantifiers, atomic groups or inline flag groups).
'use strict';

const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const examplesDir = path.resolve(root, '..', '..', 'examples');

let passed = 0;
let failed = 0;
const failures = [];

function check(condition, message) {
  if (condition) {
    passed++;
  } else {
    failed++;
    failures.push(message);
  }
  return condition;
}

function readJson(rel) {
  return JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8'));
}

// ------------------------------------------------------------------ 1. package.json wiring
const pkg = readJson('package.json');
const grammarEntry = ((pkg.contributes && pkg.contributes.grammars) || []).find((g) => g.language === 'hapolicy');
const language = ((pkg.contributes && pkg.contributes.languages) || []).find((l) => l.id === 'hapolicy');

check(pkg.name === 'hapolicy', 'package.json: name is hapolicy');
check(pkg.publisher === 'hapolicy', 'package.json: publisher is hapolicy');
check(pkg.license === '(MIT OR Apache-2.0)', 'package.json: license is (MIT OR Apache-2.0)');
check(pkg.engines && pkg.engines.vscode === '^1.82.0', 'package.json: engines.vscode is ^1.82.0');
check(pkg.main === './extension.js' && fs.existsSync(path.join(root, pkg.main)), 'package.json: main ./extension.js exists');
check((pkg.activationEvents || []).includes('onLanguage:hapolicy'), 'package.json: activates on language hapolicy');
check(Boolean(language), 'package.json: contributes language hapolicy');
if (language) {
  check((language.extensions || []).includes('.hapolicy'), 'language hapolicy: extension .hapolicy');
  check((language.aliases || []).length > 0, 'language hapolicy: has aliases');
  check(
    language.configuration === './language-configuration.json' && fs.existsSync(path.join(root, language.configuration)),
    'language hapolicy: configuration ./language-configuration.json exists',
  );
}
for (const lang of (pkg.contributes && pkg.contributes.languages) || []) {
  check(
    !(lang.extensions || []).some((e) => e.toLowerCase() === '.xml'),
    `package.json: language ${lang.id} must not claim .xml files (CIB XML stays with the XML tooling)`,
  );
}
check(Boolean(grammarEntry), 'package.json: contributes a grammar for hapolicy');
if (grammarEntry) {
  check(grammarEntry.scopeName === 'source.hapolicy', 'grammar entry: scopeName source.hapolicy');
  check(grammarEntry.path === './syntaxes/hapolicy.tmLanguage.json', 'grammar entry: path ./syntaxes/hapolicy.tmLanguage.json');
}
const props = (pkg.contributes && pkg.contributes.configuration && pkg.contributes.configuration.properties) || {};
check(props['hapolicy.server.path'] && props['hapolicy.server.path'].default === 'hapolicy', 'setting hapolicy.server.path defaults to hapolicy');
check(
  props['hapolicy.server.extraArgs'] && props['hapolicy.server.extraArgs'].type === 'array' &&
    Array.isArray(props['hapolicy.server.extraArgs'].default) && props['hapolicy.server.extraArgs'].default.length === 0,
  'setting hapolicy.server.extraArgs is an array defaulting to []',
);
check(Boolean(props['hapolicy.trace.server']), 'setting hapolicy.trace.server exists');
check(
  ((pkg.contributes && pkg.contributes.commands) || []).some((c) => c.command === 'hapolicy.restartServer'),
  'command hapolicy.restartServer is contributed',
);
const extensionSource = fs.readFileSync(path.join(root, 'extension.js'), 'utf8');
check(extensionSource.includes("'hapolicy.restartServer'"), 'extension.js registers hapolicy.restartServer');
check(extensionSource.includes("'lsp'"), 'extension.js starts the `lsp` subcommand');
check(/cargo install --path cli/.test(extensionSource), 'extension.js suggests `cargo install --path cli` when the binary is missing');
check(pkg.dependencies && /^\^9\./.test(pkg.dependencies['vscode-languageclient'] || ''), 'depends on vscode-languageclient ^9');
check(pkg.scripts && pkg.scripts.test === 'node test/grammar.test.js', 'npm test runs this script');
check(pkg.scripts && /vsce package/.test(pkg.scripts.package || ''), 'npm run package runs vsce package');

// ------------------------------------------------------------------ 2. language configuration
const langConfig = readJson('language-configuration.json');
check(langConfig.comments && langConfig.comments.lineComment === '#', 'language configuration: # line comments');
for (const pair of [['{', '}'], ['[', ']'], ['(', ')']]) {
  check(
    (langConfig.brackets || []).some((b) => b[0] === pair[0] && b[1] === pair[1]),
    `language configuration: bracket pair ${pair.join('')}`,
  );
}
check(
  (langConfig.autoClosingPairs || []).some((p) => p.open === '"' && p.close === '"'),
  'language configuration: quotes auto-close',
);
let wordPattern = null;
try {
  wordPattern = new RegExp(langConfig.wordPattern, 'g');
} catch (err) {
  check(false, `language configuration: wordPattern compiles (${err.message})`);
}
if (wordPattern) {
  const words = (text) => text.match(wordPattern) || [];
  for (const [text, word] of [
    ['primitive web-ip: ocf:heartbeat:IPaddr2 {', 'web-ip'],
    ['primitive web-ip: ocf:heartbeat:IPaddr2 {', 'ocf:heartbeat:IPaddr2'],
    ['rule -inf: fail-count(pgsql, promote) >= 1', 'fail-count'],
    ['  op monitor interval=10s', '10s'],
    ['rule 200: ssd == yes and $uname != node1', '$uname'],
  ]) {
    check(words(text).includes(word), `wordPattern keeps \`${word}\` as one word in \`${text}\` (got ${JSON.stringify(words(text))})`);
  }
}

// ------------------------------------------------------------------ 3. grammar regexes
const grammar = readJson('syntaxes/hapolicy.tmLanguage.json');
check(grammar.scopeName === 'source.hapolicy', 'grammar: scopeName source.hapolicy');
check(grammarEntry && grammar.scopeName === grammarEntry.scopeName, 'grammar: scopeName matches package.json');

let regexCount = 0;
(function walk(node, where) {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, `${where}[${i}]`));
    return;
  }
  if (!node || typeof node !== 'object') {
    return;
  }
  for (const key of ['match', 'begin', 'end', 'while']) {
    if (typeof node[key] === 'string') {
      regexCount++;
      for (const flags of ['', 'u']) {
        try {
          new RegExp(node[key], flags);
          passed++;
        } catch (err) {
          check(false, `grammar ${where}.${key} does not compile as a JavaScript RegExp with flags '${flags}': ${err.message}`);
        }
      }
      check(!/\\[GAz]/.test(node[key]), `grammar ${where}.${key} uses an Oniguruma-only anchor (\\G, \\A or \\z)`);
    }
  }
  if (typeof node.include === 'string' && node.include.startsWith('#')) {
    check(
      Object.prototype.hasOwnProperty.call(grammar.repository || {}, node.include.slice(1)),
      `grammar ${where}: include ${node.include} resolves`,
    );
  }
  for (const [key, value] of Object.entries(node)) {
    walk(value, `${where}.${key}`);
  }
})(grammar, 'grammar');

// ------------------------------------------------------------------ 4. a small tokenizer
const compiled = new Map();
function regex(source) {
  let re = compiled.get(source);
  if (!re) {
    try {
      re = new RegExp(source, 'dg');
    } catch (_) {
      re = /(?!)/dg; // already reported as a failure above; never matches
    }
    compiled.set(source, re);
  }
  return re;
}

const splitScopes = (name) => (name ? name.split(/\s+/).filter(Boolean) : []);

/** Flattens a pattern list: local includes are expanded, external ones (text.xml) ignored. */
const flatCache = new Map();
function flatten(patterns, seen = new Set()) {
  if (flatCache.has(patterns)) {
    return flatCache.get(patterns);
  }
  const out = [];
  for (const p of patterns || []) {
    if (p.include) {
      let target = null;
      if (p.include === '$self' || p.include === '$base') {
        target = grammar;
      } else if (p.include.startsWith('#')) {
        target = grammar.repository[p.include.slice(1)];
      }
      if (target && !seen.has(target)) {
        seen.add(target);
        if (target.match || target.begin) {
          out.push(target);
        } else {
          out.push(...flatten(target.patterns, seen));
        }
        seen.delete(target);
      }
    } else if (p.match || p.begin) {
      out.push(p);
    } else if (p.patterns) {
      out.push(...flatten(p.patterns, seen));
    }
  }
  flatCache.set(patterns, out);
  return out;
}

function paintMatch(scopes, m, base, name, captures) {
  const [start, end] = m.indices[0];
  const whole = base.concat(splitScopes(name));
  for (let i = start; i < end; i++) {
    scopes[i] = whole;
  }
  if (!captures) {
    return;
  }
  for (let g = 0; g < m.indices.length; g++) {
    const range = m.indices[g];
    const capture = captures[String(g)];
    if (!range || !capture || !capture.name) {
      continue;
    }
    for (let i = range[0]; i < range[1]; i++) {
      scopes[i] = scopes[i].concat(splitScopes(capture.name));
    }
  }
}

/**
 * Tokenizes one line. `stack` is the list of open begin/end frames from the previous line.
 * Returns the scopes of every character and the stack for the next line.
 */
function tokenizeLine(line, stack) {
  stack = stack.slice();
  const rootScopes = [grammar.scopeName];
  const scopes = new Array(line.length);
  const current = () => (stack.length ? stack[stack.length - 1].contentScopes : rootScopes);
  let pos = 0;
  let guard = 0;

  const tryEnd = (at) => {
    const frame = stack[stack.length - 1];
    const re = regex(frame.rule.end);
    re.lastIndex = at;
    return re.exec(line);
  };

  while (pos < line.length) {
    if (++guard > 10000) {
      throw new Error(`tokenizer does not advance on line: ${line}`);
    }
    const frame = stack[stack.length - 1];
    let best = null;
    if (frame) {
      const m = tryEnd(pos);
      if (m) {
        best = { kind: 'end', m };
      }
    }
    for (const rule of flatten(frame ? frame.rule.patterns : grammar.patterns)) {
      const re = regex(rule.match || rule.begin);
      re.lastIndex = pos;
      const m = re.exec(line);
      if (m && (!best || m.index < best.m.index)) {
        best = { kind: rule.match ? 'match' : 'begin', rule, m };
      }
    }
    if (!best) {
      break;
    }
    const { m } = best;
    for (let i = pos; i < m.index; i++) {
      scopes[i] = current();
    }
    if (best.kind === 'end') {
      paintMatch(scopes, m, frame.scopes, null, frame.rule.endCaptures || frame.rule.captures);
      stack.pop();
    } else if (best.kind === 'match') {
      paintMatch(scopes, m, current(), best.rule.name, best.rule.captures);
    } else {
      const nameScopes = current().concat(splitScopes(best.rule.name));
      paintMatch(scopes, m, nameScopes, null, best.rule.beginCaptures || best.rule.captures);
      stack.push({ rule: best.rule, scopes: nameScopes, contentScopes: nameScopes.concat(splitScopes(best.rule.contentName)) });
    }
    const next = m.index + m[0].length;
    if (next === pos && best.kind === 'match') {
      scopes[pos] = scopes[pos] || current();
      pos++;
    } else {
      pos = next;
    }
  }
  for (let i = pos; i < line.length; i++) {
    scopes[i] = scopes[i] || current();
  }
  // End patterns that match the (empty) end of the line, such as `$` or `^[ \t]*` on an empty line.
  while (stack.length) {
    const m = tryEnd(line.length);
    if (!m || m.index !== line.length) {
      break;
    }
    stack.pop();
  }
  return { scopes, stack };
}

function tokenizeText(text) {
  let stack = [];
  return text.split(/\r?\n/).map((line) => {
    const result = tokenizeLine(line, stack);
    stack = result.stack;
    return { line, scopes: result.scopes };
  });
}

/** Whether every character of `line` from `start` for `length` has a scope starting with `prefix`. */
function hasScope(tokens, start, length, prefix) {
  if (start < 0 || length <= 0) {
    return false;
  }
  for (let i = start; i < start + length; i++) {
    const s = tokens.scopes[i] || [];
    if (!s.some((scope) => scope === prefix || scope.startsWith(prefix + '.'))) {
      return false;
    }
  }
  return true;
}

function scopesAt(tokens, index) {
  return (tokens.scopes[index] || []).slice(1).join(' ');
}

/**
 * Where the `occurrence`-th `word` stands in `line` as a whole word (not inside a longer name
 * such as `web-prefers-node1`), or -1.
 */
function findWord(line, word, occurrence = 0) {
  const wordChar = /[A-Za-z0-9_.\-$]/;
  let seen = 0;
  for (let at = line.indexOf(word); at >= 0; at = line.indexOf(word, at + 1)) {
    const before = at > 0 ? line[at - 1] : ' ';
    const after = at + word.length < line.length ? line[at + word.length] : ' ';
    const startsWord = wordChar.test(word[0]);
    const endsWord = wordChar.test(word[word.length - 1]);
    if ((startsWord && wordChar.test(before)) || (endsWord && wordChar.test(after))) {
      continue;
    }
    if (seen++ === occurrence) {
      return at;
    }
  }
  return -1;
}

/** Asserts that the `occurrence`-th whole `word` in the line carries a scope starting with `prefix`. */
function expectScope(tokens, word, prefix, label, occurrence = 0) {
  const at = findWord(tokens.line, word, occurrence);
  return check(
    at >= 0 && hasScope(tokens, at, word.length, prefix),
    `${label}: \`${word}\` should be ${prefix} in \`${tokens.line.trim()}\` (got: ${at >= 0 ? scopesAt(tokens, at) || '(none)' : 'not found'})`,
  );
}

const ITEM_KEYWORDS = [
  'cluster', 'op-defaults', 'rsc-defaults', 'node', 'primitive', 'template', 'group', 'clone', 'promotable',
  'bundle', 'location', 'colocation', 'order', 'ticket', 'tag', 'alert', 'fencing-level', 'acl-role',
  'acl-user', 'acl-group', 'agent', 'xml',
];
const itemLine = new RegExp(`^(${ITEM_KEYWORDS.join('|')})(?![A-Za-z0-9_.:-])`);
const agentLine = /^(primitive|template)\s+([A-Za-z_][A-Za-z0-9_.-]*)\s*:\s*([A-Za-z0-9_.\-:@/+*]+)/;
const opLine = /^(\s+)op\s+([A-Za-z_][A-Za-z0-9_.-]*)/;
const bodyKeyLine = /^\s+([A-Za-z_][A-Za-z0-9_.:-]*)\s*=\s*[^=]/;
const durationWord = /(?<=[=\s])(\d+(?:ms|s|min|h))(?=\s|$)/g;

// ---- the examples
const exampleFiles = fs.existsSync(examplesDir)
  ? fs.readdirSync(examplesDir).filter((f) => f.endsWith('.hapolicy')).sort()
  : [];
check(exampleFiles.length > 0, `examples found in ${examplesDir}`);

const perFile = [];
for (const file of exampleFiles) {
  const before = passed + failed;
  const lines = tokenizeText(fs.readFileSync(path.join(examplesDir, file), 'utf8'));
  const label = file;
  let sawComment = false;
  let sawItem = false;
  lines.forEach((tokens, n) => {
    const where = `${label}:${n + 1}`;
    const { line } = tokens;
    const continued = n > 0 && /\\\s*$/.test(lines[n - 1].line);
    const inXml = (tokens.scopes[0] || []).includes('meta.embedded.block.xml');
    if (inXml) {
      return;
    }
    const comment = /^\s*#/.exec(line);
    if (comment) {
      sawComment = true;
      const at = line.indexOf('#');
      check(hasScope(tokens, at, line.length - at, 'comment'), `${where}: a comment line is a comment (got: ${scopesAt(tokens, at)})`);
      return;
    }
    if (itemLine.test(line)) {
      sawItem = true;
      const kw = itemLine.exec(line)[1];
      check(hasScope(tokens, 0, kw.length, 'keyword'), `${where}: item keyword \`${kw}\` is a keyword (got: ${scopesAt(tokens, 0)})`);
    }
    const agent = agentLine.exec(line);
    if (agent) {
      expectScope(tokens, agent[2], 'entity.name', where);
      expectScope(tokens, agent[3], 'entity.name.type', where);
    }
    const op = opLine.exec(line);
    if (op) {
      check(hasScope(tokens, op[1].length, 2, 'keyword'), `${where}: \`op\` is a keyword`);
      check(
        hasScope(tokens, line.indexOf(op[2], op[1].length + 2), op[2].length, 'entity.name.function'),
        `${where}: the operation name \`${op[2]}\` is entity.name.function`,
      );
    }
    const key = bodyKeyLine.exec(line);
    if (key && !opLine.test(line)) {
      // after a `\` the line continues the one before it, so its keys are properties of that line
      expectScope(tokens, key[1], continued ? 'support.type.property-name' : 'variable.other.property', where);
    }
    for (const d of line.matchAll(durationWord)) {
      const hash = line.indexOf('#');
      if (hash < 0 || d.index < hash) {
        check(hasScope(tokens, d.index, d[1].length, 'constant.numeric'), `${where}: duration \`${d[1]}\` is constant.numeric (got: ${scopesAt(tokens, d.index)})`);
      }
    }
    // A `#` that starts a comment after code.
    const trailing = /^([^"#]*("[^"]*"[^"#]*)*)#/.exec(line);
    if (trailing && trailing[1].trim()) {
      const at = trailing[1].length;
      check(hasScope(tokens, at, line.length - at, 'comment'), `${where}: the trailing comment is a comment (got: ${scopesAt(tokens, at)})`);
    }
    // Every quoted string outside comments is a string.
    const code = trailing ? line.slice(0, trailing[1].length) : line;
    for (const s of code.matchAll(/"(?:[^"\\]|\\.)*"/g)) {
      check(hasScope(tokens, s.index, s[0].length, 'string'), `${where}: ${s[0]} is a string (got: ${scopesAt(tokens, s.index)})`);
    }
  });
  check(sawComment, `${label}: has at least one comment line to check`);
  check(sawItem, `${label}: has at least one item to check`);
  perFile.push(`${label}: ${lines.length} lines, ${passed + failed - before} checks`);
}

// ---- hand-written lines: [text, [word, scope prefix, occurrence?]...]
const cases = [
  ['primitive web: ocf:heartbeat:apache', [['primitive', 'keyword'], ['web', 'entity.name'], ['ocf:heartbeat:apache', 'entity.name.type']]],
  ['# comment', [['# comment', 'comment']]],
  ['template vm: ocf:heartbeat:VirtualDomain {', [['template', 'keyword'], ['vm', 'entity.name'], ['ocf:heartbeat:VirtualDomain', 'entity.name.type']]],
  ['primitive vm-wiki from vm-template {', [['primitive', 'keyword'], ['vm-wiki', 'entity.name'], ['from', 'keyword'], ['vm-template', 'entity.name']]],
  ['primitive fence: stonith:fence_ipmilan { ip = 10.0.0.1; lanplus = true }', [['stonith:fence_ipmilan', 'entity.name.type'], ['ip', 'variable.other.property'], ['lanplus', 'variable.other.property'], ['true', 'constant.language']]],
  ['  op monitor interval=10s timeout=5min role=Promoted  # the check', [['op', 'keyword'], ['monitor', 'entity.name.function'], ['interval', 'support.type.property-name'], ['10s', 'constant.numeric'], ['5min', 'constant.numeric'], ['Promoted', 'support.constant'], ['# the check', 'comment']]],
  ['  op monitor interval=PT10M timeout=250ms', [['PT10M', 'constant.numeric'], ['250ms', 'constant.numeric']]],
  ['  password = "a \\"quoted\\" # not a comment"', [['password', 'variable.other.property'], ['"a \\"quoted\\" # not a comment"', 'string'], ['\\"', 'constant.character.escape']]],
  ['group web [web-fs, web-ip, web-server] description="public web site"', [['group', 'keyword'], ['web', 'entity.name'], ['web-fs', 'entity.name'], ['description', 'support.type.property-name'], ['"public web site"', 'string']]],
  ['clone vm-images-clone: vm-images {', [['clone', 'keyword'], ['vm-images-clone', 'entity.name'], ['vm-images', 'entity.name']]],
  ['location web-prefers-node1: web prefers node1 = 50', [['location', 'keyword'], ['web-prefers-node1', 'entity.name'], ['prefers', 'keyword'], ['node1', 'variable.other.enummember'], ['50', 'constant.numeric']]],
  ['location x: pattern "web-.*" avoids node2', [['pattern', 'keyword'], ['"web-.*"', 'string'], ['avoids', 'keyword']]],
  ['  rule -inf: not defined(pingd) or pingd < integer 100', [['rule', 'keyword'], ['-inf', 'constant.numeric'], ['not', 'keyword'], ['defined', 'support.function'], ['or', 'keyword'], ['<', 'keyword.operator'], ['integer', 'storage.type'], ['100', 'constant.numeric']]],
  ['  rule -inf: fail-count(pgsql, monitor, 10s) >= 1', [['fail-count', 'support.function'], ['pgsql', 'entity.name'], ['monitor', 'entity.name.function'], ['10s', 'constant.numeric'], ['>=', 'keyword.operator']]],
  ['  rule 200: ssd == yes and $uname != node1', [['200', 'constant.numeric'], ['ssd', 'variable.other'], ['==', 'keyword.operator'], ['and', 'keyword'], ['$uname', 'variable.language']]],
  ['  when date in 2025-12-22 to 2026-01-02T23:59:59', [['when', 'keyword'], ['date', 'keyword'], ['in', 'keyword'], ['2025-12-22', 'constant.numeric'], ['to', 'keyword'], ['2026-01-02T23:59:59', 'constant.numeric']]],
  ['  when date-spec(hours=9-17, weekdays=1-5)', [['date-spec', 'support.function'], ['hours', 'support.type.property-name'], ['9-17', 'constant.numeric']]],
  ['colocation ip-with-primary: db-ip with Promoted db = -500', [['colocation', 'keyword'], ['ip-with-primary', 'entity.name'], ['db-ip', 'entity.name'], ['with', 'keyword'], ['Promoted', 'support.constant'], ['-500', 'constant.numeric']]],
  ['order primary-before-ip: promote db then start db-ip kind=Optional', [['order', 'keyword'], ['promote', 'support.constant'], ['then', 'keyword'], ['start', 'support.constant'], ['kind', 'support.type.property-name']]],
  ['ticket t: Promoted db requires site-a loss-policy=demote', [['ticket', 'keyword'], ['requires', 'keyword'], ['site-a', 'variable.other']]],
  ['  set [vm-mail, vm-ci] sequential=false', [['set', 'keyword'], ['vm-mail', 'entity.name'], ['sequential', 'support.type.property-name'], ['false', 'constant.language']]],
  ['  meta night score=10 { when date-spec(hours=0-5); batch-limit = 30 }', [['meta', 'keyword'], ['night', 'entity.name'], ['when', 'keyword'], ['batch-limit', 'variable.other.property']]],
  ['  meta use shared-meta', [['meta', 'keyword'], ['use', 'keyword'], ['shared-meta', 'entity.name']]],
  ['node node1 id=1 { rack = r1 }', [['node', 'keyword'], ['node1', 'variable.other.enummember'], ['id', 'support.type.property-name'], ['rack', 'variable.other.property']]],
  ['fencing-level node1 index=1 [ipmi-node1, pdu]', [['fencing-level', 'keyword'], ['node1', 'variable.other.enummember'], ['ipmi-node1', 'entity.name']]],
  ['acl-user dave [operator, vm-admin]', [['acl-user', 'keyword'], ['dave', 'entity.name'], ['operator', 'entity.name']]],
  ['  select nodes fencing attributes [standby, shutdown]', [['select', 'keyword'], ['nodes', 'support.constant'], ['standby', 'variable.other']]],
  ['  recipient snmp-nms value="192.0.2.5"', [['recipient', 'keyword'], ['snmp-nms', 'entity.name'], ['"192.0.2.5"', 'string']]],
  ['  podman image="registry.example.com/httpd:2.4" replicas=2', [['podman', 'keyword'], ['image', 'support.type.property-name'], ['2', 'constant.numeric']]],
  ['  storage-mapping httpd-root source-dir=/srv/html target-dir=/var/www/html', [['storage-mapping', 'keyword'], ['httpd-root', 'entity.name']]],
  ['agent ocf:acme:Widget ocf-version="1.1" {', [['agent', 'keyword'], ['ocf:acme:Widget', 'entity.name.type']]],
  ['  param level: integer reloadable default=1', [['param', 'keyword'], ['level', 'variable.other.property'], ['integer', 'storage.type'], ['reloadable', 'storage.modifier'], ['default', 'support.type.property-name']]],
  ['  action monitor timeout=20s interval=10s depth=0', [['action', 'keyword'], ['monitor', 'entity.name.function'], ['20s', 'constant.numeric']]],
  ['colocation c: = inf { set [a] }', [['inf', 'constant.numeric']]],
  ['rsc-defaults office-hours score=10 {', [['rsc-defaults', 'keyword'], ['office-hours', 'entity.name']]],
  ['  community = private', [['private', 'storage.modifier', -1]]],
  ['  ip = 192.0.2.10', [['192.0.2.10', 'constant.numeric']]],
];
for (const [text, expectations] of cases) {
  const [tokens] = tokenizeText(text);
  for (const [word, prefix, occurrence] of expectations) {
    if (occurrence === -1) {
      // negative check: the word must NOT have this scope
      const at = findWord(text, word);
      check(!hasScope(tokens, at, word.length, prefix), `\`${word}\` must not be ${prefix} in \`${text.trim()}\``);
    } else {
      expectScope(tokens, word, prefix, 'case', occurrence || 0);
    }
  }
}

// ---- multi-line constructs: the XML escape hatch, multi-line strings and lists, continuation
{
  const lines = tokenizeText(
    [
      'xml <<<',
      '<rsc_location id="legacy" rsc="web">',
      '  <rule id="legacy-rule" id-ref="shared-rule"/>',
      '</rsc_location>',
      '>>>',
      'primitive after-xml: ocf:heartbeat:Dummy',
      'tag vms [',
      '  vm-mail,  # the mail server',
      '  vm-ci',
      ']',
      '  op monitor interval=168h timeout=5min \\',
      '             check-level=20',
      '  description = "two',
      'lines # still a string"',
      'node node9',
    ].join('\n'),
  );
  check(hasScope(lines[0], 0, 3, 'keyword'), 'xml block: `xml` is a keyword');
  check(hasScope(lines[0], 4, 3, 'punctuation.section.embedded'), 'xml block: `<<<` opens the embedded block');
  for (const i of [1, 2, 3]) {
    check(hasScope(lines[i], 0, lines[i].length, 'meta.embedded.block.xml'), `xml block: line ${i + 1} is embedded XML (got: ${scopesAt(lines[i], 0)})`);
  }
  check(hasScope(lines[4], 0, 3, 'punctuation.section.embedded'), 'xml block: `>>>` closes the embedded block');
  check(!(lines[5].scopes[0] || []).includes('meta.embedded.block.xml'), 'xml block: the item after `>>>` is not XML');
  expectScope(lines[5], 'primitive', 'keyword', 'after xml');
  expectScope(lines[5], 'ocf:heartbeat:Dummy', 'entity.name.type', 'after xml');
  expectScope(lines[7], 'vm-mail', 'entity.name', 'multi-line list');
  expectScope(lines[7], '# the mail server', 'comment', 'multi-line list');
  expectScope(lines[8], 'vm-ci', 'entity.name', 'multi-line list');
  expectScope(lines[9], ']', 'punctuation.section.brackets', 'multi-line list');
  expectScope(lines[10], '\\', 'punctuation.separator.continuation', 'continuation');
  expectScope(lines[11], 'check-level', 'support.type.property-name', 'continuation line: a property, not a statement');
  expectScope(lines[12], '"two', 'string', 'multi-line string');
  expectScope(lines[13], 'lines # still a string"', 'string', 'multi-line string');
  expectScope(lines[14], 'node', 'keyword', 'after multi-line string');
}

// ------------------------------------------------------------------ summary
for (const line of perFile) {
  console.log(`  ${line}`);
}
if (failures.length) {
  console.log('\nFailures:');
  for (const f of failures.slice(0, 50)) {
    console.log(`  ✗ ${f}`);
  }
  if (failures.length > 50) {
    console.log(`  … and ${failures.length - 50} more`);
  }
}
console.log(
  `\ngrammar tests: ${passed} passed, ${failed} failed ` +
    `(${regexCount} regexes compiled, ${exampleFiles.length} example files, ${cases.length} hand-written lines)`,
);
process.exit(failed ? 1 : 0);
