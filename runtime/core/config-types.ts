/**
 * The shapes of a parsed config.ini. Reading the file is `project/config.ts`;
 * these types live in the core because apps and middlewares are handed a config.
 */

/** A value in config.ini: text, a list (indented lines), or a boolean. */
export type ConfigValue = string | string[] | boolean;

/** One `[section]` of config.ini. */
export type ConfigSection = Record<string, ConfigValue | undefined>;

/**
 * The parsed config.ini: one object per section. Sections the framework does
 * not know are kept as they are, for apps (`bp.config.accounts.aes_key`).
 */
export interface Config {
  [section: string]: ConfigSection | undefined;
}
