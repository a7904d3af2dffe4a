/**
 * CLIENT TRACKING / CACHING / GETREDIR / TRACKINGINFO (networking.c clientCommand, tracking.c):
 * option parsing, checks and texts as Redis 7. The table itself is cache-tracking.ts.
 */
import { CacheCommandError } from './cache-command-errors.js';
import { type CacheServerCommandContext } from './cache-engine.js';
import { parseInt64 } from './cache-number.js';
import { respBulkString, respInteger, respOk, type RespValue } from './resp-value.js';

function lower(argument: Buffer | undefined): string {
  return argument === undefined ? '' : argument.toString('latin1').toLowerCase();
}

/** CLIENT TRACKING (ON|OFF) [REDIRECT id] [BCAST] [PREFIX p ...] [OPTIN] [OPTOUT] [NOLOOP]. */
export function clientTracking(context: CacheServerCommandContext, args: readonly Buffer[]): RespValue {
  const { engine, client } = context;
  let redirectId = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: string[] = [];
  for (let index = 3; index < args.length; index++) {
    const option = lower(args[index]);
    const moreArgs = args.length - 1 - index;
    if (option === 'redirect' && moreArgs > 0) {
      index++;
      if (redirectId !== 0) throw new CacheCommandError('message', 'A client can only redirect to a single other client');
      const id = parseInt64(args[index] as Buffer);
      if (id === null) throw new CacheCommandError('not-integer');
      // Required to exist now, though it may disconnect later (Redis's sanity check).
      if (id <= 0n || id > BigInt(Number.MAX_SAFE_INTEGER) || !engine.clients.has(Number(id))) {
        throw new CacheCommandError('message', 'The client ID you want redirect to does not exist');
      }
      redirectId = Number(id);
    } else if (option === 'bcast') {
      bcast = true;
    } else if (option === 'optin') {
      optin = true;
    } else if (option === 'optout') {
      optout = true;
    } else if (option === 'noloop') {
      noloop = true;
    } else if (option === 'prefix' && moreArgs > 0) {
      index++;
      prefixes.push((args[index] as Buffer).toString('latin1'));
    } else {
      throw new CacheCommandError('syntax');
    }
  }
  const mode = lower(args[2]);
  if (mode === 'off') {
    engine.tracking.disable(client);
    return respOk;
  }
  if (mode !== 'on') throw new CacheCommandError('syntax');
  const current = client.tracking;
  if (!bcast && prefixes.length > 0) throw new CacheCommandError('message', 'PREFIX option requires BCAST mode to be enabled');
  if (current !== null && current.bcast !== bcast) {
    throw new CacheCommandError(
      'message',
      "You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
  }
  if (bcast && (optin || optout)) throw new CacheCommandError('message', 'OPTIN and OPTOUT are not compatible with BCAST');
  if (optin && optout) throw new CacheCommandError('message', "You can't specify both OPTIN mode and OPTOUT mode");
  if ((optin && current?.optout === true) || (optout && current?.optin === true)) {
    throw new CacheCommandError(
      'message',
      "You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
    );
  }
  if (bcast) {
    const collision = engine.tracking.prefixCollision(client, prefixes);
    if (collision !== null) throw new CacheCommandError('message', collision);
  }
  engine.tracking.enable(client, { bcast, optin, optout, noloop, redirectId }, prefixes);
  return respOk;
}

/** CLIENT CACHING (YES|NO): whether the next command's keys are remembered (OPTIN / OPTOUT). */
export function clientCaching(context: CacheServerCommandContext, args: readonly Buffer[]): RespValue {
  const tracking = context.client.tracking;
  if (tracking === null) {
    throw new CacheCommandError('message', 'CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled');
  }
  const value = lower(args[2]);
  if (value === 'yes') {
    if (!tracking.optin) throw new CacheCommandError('message', 'CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
  } else if (value === 'no') {
    if (!tracking.optout) throw new CacheCommandError('message', 'CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
  } else {
    throw new CacheCommandError('syntax');
  }
  tracking.caching = true;
  return respOk;
}

/** CLIENT GETREDIR: the redirect id (0 for none) while tracking, else -1. */
export function clientGetRedirect(context: CacheServerCommandContext): RespValue {
  return respInteger(context.client.tracking?.redirectId ?? -1);
}

/** CLIENT TRACKINGINFO: flags (a set), redirect, prefixes. */
export function clientTrackingInfo(context: CacheServerCommandContext): RespValue {
  const tracking = context.client.tracking;
  const flags: string[] = [];
  if (tracking === null) {
    flags.push('off');
  } else {
    flags.push('on');
    if (tracking.bcast) flags.push('bcast');
    if (tracking.optin) flags.push('optin');
    if (tracking.optin && tracking.caching) flags.push('caching-yes');
    if (tracking.optout) flags.push('optout');
    if (tracking.optout && tracking.caching) flags.push('caching-no');
    if (tracking.noloop) flags.push('noloop');
    if (tracking.brokenRedirect) flags.push('broken_redirect');
  }
  return {
    type: 'map',
    entries: [
      [respBulkString('flags'), { type: 'set', items: flags.map((flag) => respBulkString(flag)) }],
      [respBulkString('redirect'), respInteger(tracking?.redirectId ?? -1)],
      [respBulkString('prefixes'), { type: 'array', items: (tracking?.bcast === true ? tracking.prefixes : []).map((prefix) => respBulkString(Buffer.from(prefix, 'latin1'))) }],
    ],
  };
}
