/**
 * The options of the RFC 2577 defences (connection limits, login throttling,
 * anti-flood) and their defaults. Each group may be `false` to switch it off
 * (for a benchmark, or when a proxy in front already does the job); a limit of
 * 0 also means "no limit".
 */

export interface ConnectionLimitOptions {
  /** Sessions open at once; more are answered 421 and closed (default 2000, 0 = no limit). */
  maxConnections?: number;
  /**
   * Sessions open at once from one address (default 64, 0 = no limit). Behind a
   * NAT or a proxy many users share an address: raise it there.
   */
  maxConnectionsPerAddress?: number;
}

export interface LockoutOptions {
  /** Failed logins from one address within `window` that lock the address out (default 10, 0 = never). */
  perAddress?: number;
  /** Failed logins for one user name within `window` that lock the name out (default 10, 0 = never). */
  perUser?: number;
  /** How far back failures count (ms, default 15 minutes). */
  window?: number;
  /** How long a lockout lasts (ms, default 15 minutes). */
  duration?: number;
}

export interface LoginThrottleOptions {
  /** Pause after each failed login before the 530 reply (ms, default 1000, 0 = none). */
  delay?: number;
  /** Failed logins one connection may make; the next failure is answered 421 and closes it (default 3, 0 = no limit). */
  maxAttempts?: number;
  /** Lock out addresses and user names after repeated failures (false: never). */
  lockout?: LockoutOptions | false;
}

export interface AntiFloodOptions {
  /**
   * Commands per second one connection may send (a token bucket: bursts of up
   * to this many pass). Above it the connection gets 421, is closed, and its
   * address is banned for `banDuration`. Default 50, 0 = no limit.
   */
  commandsPerSecond?: number;
  /**
   * Also limit logged-in sessions (default false). Before login no client
   * sends more than a handful of commands; after login a sync tool on a fast
   * link legitimately sends thousands per second.
   */
  afterLogin?: boolean;
  /** How long a flooding address is refused (ms, default 60 s). */
  banDuration?: number;
}

export interface SecurityOptions {
  limits?: ConnectionLimitOptions;
  loginThrottle?: LoginThrottleOptions | false;
  antiFlood?: AntiFloodOptions | false;
  /** Name ftpkit and its version in the default 220 greeting (default false: reveal nothing). */
  greetingVersion?: boolean;
}

export interface ResolvedSecurityOptions {
  limits: { maxConnections: number; maxConnectionsPerAddress: number };
  loginThrottle: { delay: number; maxAttempts: number; lockout: Required<LockoutOptions> };
  antiFlood: { commandsPerSecond: number; afterLogin: boolean; banDuration: number };
  greetingVersion: boolean;
}

const minute = 60_000;
/** Resolved values that switch a defence off (Infinity: never reached). */
const OFF = Infinity;

/** Validates the security options into `problems` and fills in the defaults. */
export function resolveSecurityOptions(options: SecurityOptions, problems: string[]): ResolvedSecurityOptions {
  const count = (name: string, value: number | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    if (!(Number.isInteger(value) && value >= 0) && value !== Infinity) {
      problems.push(`${name} must be a whole number (0 for no limit)`);
      return fallback;
    }
    return value === 0 ? OFF : value;
  };
  const ms = (name: string, value: number | undefined, fallback: number, allowZero = false): number => {
    if (value === undefined) return fallback;
    if (!(Number.isFinite(value) && (allowZero ? value >= 0 : value > 0))) {
      problems.push(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number of milliseconds`);
      return fallback;
    }
    return value;
  };
  const group = <T extends object>(name: string, value: T | false | undefined): T | false => {
    if (value === undefined) return {} as T;
    if (value === false || (typeof value === 'object' && value !== null)) return value;
    problems.push(`${name} must be an object or false`);
    return {} as T;
  };

  const limits = options.limits ?? {};
  const throttle = group('loginThrottle', options.loginThrottle);
  const lockout = throttle === false ? false : group('loginThrottle.lockout', throttle.lockout);
  const flood = group('antiFlood', options.antiFlood);
  return {
    limits: {
      maxConnections: count('limits.maxConnections', limits.maxConnections, 2000),
      maxConnectionsPerAddress: count('limits.maxConnectionsPerAddress', limits.maxConnectionsPerAddress, 64),
    },
    loginThrottle: {
      delay: throttle === false ? 0 : ms('loginThrottle.delay', throttle.delay, 1000, true),
      maxAttempts: throttle === false ? OFF : count('loginThrottle.maxAttempts', throttle.maxAttempts, 3),
      lockout:
        lockout === false
          ? { perAddress: OFF, perUser: OFF, window: 15 * minute, duration: 15 * minute }
          : {
              perAddress: count('loginThrottle.lockout.perAddress', lockout.perAddress, 10),
              perUser: count('loginThrottle.lockout.perUser', lockout.perUser, 10),
              window: ms('loginThrottle.lockout.window', lockout.window, 15 * minute),
              duration: ms('loginThrottle.lockout.duration', lockout.duration, 15 * minute),
            },
    },
    antiFlood: {
      commandsPerSecond: flood === false ? OFF : count('antiFlood.commandsPerSecond', flood.commandsPerSecond, 50),
      afterLogin: flood !== false && flood.afterLogin === true,
      banDuration: flood === false ? minute : ms('antiFlood.banDuration', flood.banDuration, minute),
    },
    greetingVersion: options.greetingVersion === true,
  };
}
