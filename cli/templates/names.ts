/**
 * Checks the names given to `create_project` and `create_app` and derives the
 * other spellings the templates need.
 */
import { BackendtsError } from '../../runtime/core/errors.js';

/** A project name: a valid npm package name that is also a plain folder name. */
const PROJECT_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** An app name: a folder, an SQL table prefix and (camel-cased) a TypeScript identifier. */
const APP_NAME = /^[a-z][a-z0-9_]*$/;

/** Fails unless `name` can be the project's folder and package name. */
export function checkProjectName(name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new BackendtsError('BT_SCAFFOLD_NAME', 'create_project needs --name <name>', {
      hint: 'write e.g. backendts create_project --name my-service',
    });
  }
  if (!PROJECT_NAME.test(name) || name.length > 214 || name === 'node_modules' || name === 'favicon.ico') {
    throw new BackendtsError('BT_SCAFFOLD_NAME', `"${name}" is not a valid project name`, {
      hint: 'use lower-case letters, digits, "-", "_" and ".", starting with a letter or digit (it becomes the folder and package name)',
    });
  }
  return name;
}

/** Fails unless `name` can be an app's folder and table prefix. */
export function checkAppName(name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new BackendtsError('BT_SCAFFOLD_NAME', 'create_app needs --name <name>', {
      hint: 'write e.g. backendts create_app --name blog',
    });
  }
  if (!APP_NAME.test(name) || name.length > 40) {
    throw new BackendtsError('BT_SCAFFOLD_NAME', `"${name}" is not a valid app name`, {
      hint: 'use lower-case letters, digits and "_", starting with a letter, at most 40 characters (it becomes the folder and the table prefix)',
    });
  }
  return name;
}

/** `blog_posts` → `blogPosts`. */
export function camelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/g, (_match, next: string) => next.toUpperCase());
}
