import { header, param, parseCSeq, parseUri, type SipRequest, type SipResponse, uriOf } from './message.ts';
import { newBranch, type Peer, type SipTransport } from './transport.ts';

/** A SIP dialog (RFC 3261 §12): what our in-dialog requests (ACK, BYE, REFER) are built from. */
export interface Dialog {
  callId: string;
  /** Our From header value (with our tag), and theirs for To. */
  local: string;
  remote: string;
  remoteTarget: string;
  routeSet: string[];
  localSeq: number;
  /** Where in-dialog requests go: the first route, else the remote target. */
  next: Peer;
}

const peerOf = (uri: string, fallback: Peer): Peer => {
  const u = parseUri(uri);
  return u ? { address: u.host, port: u.port } : fallback;
};

function build(
  callId: string,
  local: string,
  remote: string,
  contact: string | undefined,
  routeSet: string[],
  from: Peer,
  localSeq: number,
): Dialog {
  const remoteTarget = contact ? uriOf(contact) : uriOf(remote);
  return { callId, local, remote, remoteTarget, routeSet, localSeq, next: peerOf(routeSet[0] ? uriOf(routeSet[0]) : remoteTarget, from) };
}

/** The dialog an inbound INVITE creates when we answer it with `localTag`. */
export function dialogAsCallee(invite: SipRequest, localTag: string, from: Peer): Dialog {
  return build(
    header(invite.headers, 'call-id')!,
    `${header(invite.headers, 'to')!};tag=${localTag}`,
    header(invite.headers, 'from')!,
    header(invite.headers, 'contact'),
    invite.headers.get('record-route') ?? [],
    from,
    1,
  );
}

/** The dialog a 2xx to our INVITE creates. */
export function dialogAsCaller(invite: SipRequest, ok: SipResponse, from: Peer): Dialog {
  return build(
    header(invite.headers, 'call-id')!,
    header(invite.headers, 'from')!,
    header(ok.headers, 'to')!,
    header(ok.headers, 'contact'),
    [...(ok.headers.get('record-route') ?? [])].reverse(),
    from,
    parseCSeq(header(invite.headers, 'cseq')!)!.seq,
  );
}

/** A request inside the dialog; ACK reuses the INVITE's CSeq number, others take the next one. */
export function inDialog(
  d: Dialog,
  t: SipTransport,
  method: string,
  extra: [string, string][] = [],
  body = '',
  ackOf?: number,
): SipRequest {
  const seq = ackOf ?? ++d.localSeq;
  const headers = new Map<string, string[]>([
    ['via', [t.via(newBranch())]],
    ['max-forwards', ['70']],
    ['from', [d.local]],
    ['to', [d.remote]],
    ['call-id', [d.callId]],
    ['cseq', [`${seq} ${method}`]],
    ['contact', [t.contact]],
  ]);
  if (d.routeSet.length) headers.set('route', d.routeSet);
  for (const [name, value] of extra) headers.set(name, [...(headers.get(name) ?? []), value]);
  return { kind: 'request', method, uri: d.remoteTarget, headers, body };
}

/** Whether a request belongs to this dialog (its From tag is the remote tag). */
export const isOfDialog = (d: Dialog, req: SipRequest) => param(header(req.headers, 'from')!, 'tag') === param(d.remote, 'tag');
