// VS Code extension for hapolicy: runs `hapolicy lsp` as a language server for .hapolicy files.
//
// Plain JavaScript (CommonJS), no build step. The grammar and language configuration are
// contributed statically by package.json; this file only manages the language client.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, RevealOutputChannelOn } = require('vscode-languageclient/node');

const LANGUAGE_ID = 'hapolicy';
const CLIENT_ID = 'hapolicy'; // also the prefix of the `hapolicy.trace.server` setting

/** @type {LanguageClient | undefined} */
let client;
/** @type {vscode.OutputChannel | undefined} */
let outputChannel;
/** @type {vscode.OutputChannel | undefined} */
let traceOutputChannel;
/** Serialises start/stop so that quick restarts do not overlap. */
let pending = Promise.resolve();

/**
 * @param {vscode.ExtensionContext} context
 */
function activate(context) {
  outputChannel = vscode.window.createOutputChannel('hapolicy');
  traceOutputChannel = vscode.window.createOutputChannel('hapolicy (LSP trace)');
  context.subscriptions.push(outputChannel, traceOutputChannel);

  context.subscriptions.push(
    vscode.commands.registerCommand('hapolicy.restartServer', () => restart(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (
        event.affectsConfiguration('hapolicy.server.path') ||
        event.affectsConfiguration('hapolicy.server.extraArgs')
      ) {
        restart(false);
      }
    }),
  );

  return enqueue(startClient);
}

function deactivate() {
  return enqueue(stopClient);
}

/** Runs `task` after every start/stop queued before it. */
function enqueue(task) {
  pending = pending.then(task, task).catch((err) => log(`error: ${describe(err)}`));
  return pending;
}

/** @param {boolean} announce show a notification when the server is back */
function restart(announce) {
  return enqueue(async () => {
    await stopClient();
    const started = await startClient();
    if (started && announce) {
      vscode.window.setStatusBarMessage('hapolicy language server restarted', 3000);
    }
  });
}

async function stopClient() {
  const old = client;
  client = undefined;
  if (old) {
    try {
      await old.stop();
    } catch (err) {
      log(`stopping the language server failed: ${describe(err)}`);
    }
  }
}

/** @returns {Promise<boolean>} whether a server was started */
async function startClient() {
  const config = vscode.workspace.getConfiguration('hapolicy');
  const configured = String(config.get('server.path') || 'hapolicy').trim() || 'hapolicy';
  const extraArgs = (config.get('server.extraArgs') || []).map(String);

  const command = resolveExecutable(configured);
  if (!command) {
    showNotFound(configured);
    return false;
  }

  const args = ['lsp', ...extraArgs];
  log(`starting ${command} ${args.join(' ')}`);

  /** @type {import('vscode-languageclient/node').ServerOptions} */
  const serverOptions = {
    run: { command, args },
    debug: { command, args },
  };

  /** @type {import('vscode-languageclient/node').LanguageClientOptions} */
  const clientOptions = {
    // Only hapolicy documents. CIB files (.xml) are left to the XML tooling: `hapolicy lint`
    // handles those on the command line, not through this server.
    documentSelector: [
      { scheme: 'file', language: LANGUAGE_ID },
      { scheme: 'untitled', language: LANGUAGE_ID },
    ],
    outputChannel,
    traceOutputChannel,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };

  const next = new LanguageClient(CLIENT_ID, 'hapolicy language server', serverOptions, clientOptions);
  try {
    await next.start();
  } catch (err) {
    log(`the language server did not start: ${describe(err)}`);
    try {
      await next.stop();
    } catch (_) {
      // already stopped
    }
    if (err && err.code === 'ENOENT') {
      showNotFound(configured);
    } else {
      showStartFailure(command, err);
    }
    return false;
  }
  client = next;
  return true;
}

/**
 * Turns the configured server path into something spawnable, or undefined if it does not exist.
 * A bare command name is looked up on PATH; `~` and paths relative to the (first) workspace
 * folder are expanded.
 * @param {string} configured
 * @returns {string | undefined}
 */
function resolveExecutable(configured) {
  let candidate = configured;
  if (candidate === '~' || candidate.startsWith('~/') || candidate.startsWith('~\\')) {
    candidate = path.join(os.homedir(), candidate.slice(1));
  }

  const hasSeparator = candidate.includes('/') || candidate.includes('\\');
  if (hasSeparator || path.isAbsolute(candidate)) {
    if (!path.isAbsolute(candidate)) {
      const folder = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
      if (folder && folder.uri.scheme === 'file') {
        candidate = path.join(folder.uri.fsPath, candidate);
      }
    }
    return findFile(candidate);
  }

  const dirs = (process.env.PATH || '').split(path.delimiter).filter(Boolean);
  // Common places cargo and package managers install to, in case VS Code was started without
  // the login shell's PATH.
  dirs.push(path.join(os.homedir(), '.cargo', 'bin'));
  if (process.platform !== 'win32') {
    dirs.push('/usr/local/bin', '/usr/bin');
  }
  for (const dir of dirs) {
    const found = findFile(path.join(dir, candidate));
    if (found) {
      return found;
    }
  }
  return undefined;
}

/** @param {string} file @returns {string | undefined} */
function findFile(file) {
  const names = [file];
  if (process.platform === 'win32' && !path.extname(file)) {
    const exts = (process.env.PATHEXT || '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean);
    for (const ext of exts) {
      names.push(file + ext.toLowerCase(), file + ext);
    }
  }
  for (const name of names) {
    try {
      const stat = fs.statSync(name);
      if (stat.isFile()) {
        if (process.platform !== 'win32') {
          fs.accessSync(name, fs.constants.X_OK);
        }
        return name;
      }
    } catch (_) {
      // not there, or not executable
    }
  }
  return undefined;
}

/** @param {string} configured */
async function showNotFound(configured) {
  const message =
    `hapolicy: the language server executable \`${configured}\` was not found. ` +
    'Install it from a checkout of hapolicy with `cargo install --path cli`, ' +
    'or set `hapolicy.server.path` to the full path of the `hapolicy` binary.';
  log(message);
  const openSettings = 'Open Settings';
  const retry = 'Retry';
  const choice = await vscode.window.showErrorMessage(message, openSettings, retry);
  if (choice === openSettings) {
    vscode.commands.executeCommand('workbench.action.openSettings', 'hapolicy.server');
  } else if (choice === retry) {
    restart(true);
  }
}

/** @param {string} command @param {unknown} err */
async function showStartFailure(command, err) {
  const showLog = 'Show Log';
  const choice = await vscode.window.showErrorMessage(
    `hapolicy: could not start the language server \`${command} lsp\`: ${describe(err)}. ` +
      'Check that it is a hapolicy binary recent enough to have the `lsp` command.',
    showLog,
  );
  if (choice === showLog && outputChannel) {
    outputChannel.show(true);
  }
}

/** @param {string} line */
function log(line) {
  if (outputChannel) {
    outputChannel.appendLine(`[${new Date().toISOString()}] ${line}`);
  }
}

/** @param {unknown} err */
function describe(err) {
  if (err instanceof Error) {
    return err.message;
  }
  return String(err);
}

module.exports = { activate, deactivate };
