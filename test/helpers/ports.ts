import { freePort } from '../bench/servers.js';

export interface PortWindow {
  first: number;
  last: number;
  /** "first-last", as passive.portRange, --pasv-range and the examples' PASV_PORTS take it. */
  range: string;
  /** Every port of the window. */
  ports: number[];
}

/**
 * A passive port window of `size` ports starting at a port the OS just chose
 * (in its ephemeral range, which ends at 60999 on Linux), so test files running
 * in parallel do not share one fixed range.
 */
export async function passiveWindow(size: number): Promise<PortWindow> {
  const first = Math.min(await freePort(), 60999 - size + 1);
  const last = first + size - 1;
  return { first, last, range: `${first}-${last}`, ports: Array.from({ length: size }, (_, i) => first + i) };
}
