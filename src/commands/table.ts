import type { FtpUser } from '../auth/types.js';
import type { CommandSpec } from './spec.js';

/**
 * Verb → spec. Aliases point at the same spec object, so every check attached to
 * a command holds for all its spellings. Hosts add or replace commands here.
 */
export class CommandTable {
  private readonly byVerb = new Map<string, CommandSpec>();
  private readonly specs = new Map<string, CommandSpec>();

  constructor(specs: Iterable<CommandSpec> = []) {
    for (const spec of specs) this.register(spec);
  }

  /** Adds a command, replacing any built-in with the same name or alias. */
  register(spec: CommandSpec): void {
    const name = spec.name.toUpperCase();
    if (!/^[A-Z][A-Z0-9]{1,15}$/.test(name)) throw new TypeError(`invalid command name ${spec.name}`);
    const old = this.specs.get(name);
    if (old) for (const verb of [old.name, ...(old.aliases ?? [])]) this.byVerb.delete(verb.toUpperCase());
    this.specs.set(name, spec);
    for (const verb of [name, ...(spec.aliases ?? [])]) this.byVerb.set(verb.toUpperCase(), spec);
  }

  lookup(verb: string): CommandSpec | undefined {
    return this.byVerb.get(verb);
  }

  /** Every command once (aliases not repeated), in registration order. */
  all(): IterableIterator<CommandSpec> {
    return this.specs.values();
  }
}
