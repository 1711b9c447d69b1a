import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../api/app.ts';
import { loadConfig } from '../../platform/config.ts';
import { buildTestApp, staffClient, type StaffClient, startTestApi, type TestApi, testApiKey } from '../helpers/app.ts';

/**
 * Open311 as third-party citizens' apps use it, over a real HTTP listener so that multipart and
 * form bodies are parsed as they arrive from an app: service discovery, photos uploaded as
 * multipart and served back, api_key and jurisdiction_id in the query string, the 90-day window,
 * and FixMyStreet's update extension (servicerequestupdates).
 */

let api: TestApi;
let base: string;
let key: string;
let keyId: string;
let operator: StaffClient;
beforeAll(async () => {
  // Pothole photos are public (they show a road); other services' photos are for staff only.
  api = await startTestApi();
  await api.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
  ({ key, id: keyId } = await testApiKey(api.t.db, 'operator', ['milano']));
  operator = await staffClient(api.app, api.t.db, { role: 'operator', municipalities: ['milano'] });
});
afterAll(() => api?.stop());

const v2 = (path: string) => `${base}/open311/v2/${path}`;
const json = async (res: Response) => ({ status: res.status, body: await res.json() });
const expectError = async (res: Response, code: number, description: RegExp) => {
  expect(res.status).toBe(code);
  expect(await res.json()).toEqual([{ code, description: expect.stringMatching(description) }]);
};

// The smallest PNG there is (1×1, transparent): a photo as an app uploads it.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const pothole = (): [string, string][] => [
  ['api_key', key],
  ['jurisdiction_id', 'milano'],
  ['service_code', 'pothole-report'],
  ['lat', '45.4978'],
  ['long', '9.2247'],
  ['address_string', 'Via Padova 120, Milano'],
  ['email', 'segnalatore@example.org'],
  ['description', 'Buca profonda sulla corsia di destra'],
  ['attribute[address]', 'Via Padova 120'],
  ['attribute[danger]', 'true'],
];
const generalInformation = (): [string, string][] => [
  ['api_key', key],
  ['jurisdiction_id', 'milano'],
  ['service_code', 'general-information'],
  ['address_string', 'Piazza della Scala 2'],
  ['attribute[topic]', 'orari anagrafe'],
];
function multipart(fields: [string, string][], media?: { content: Buffer; type: string; name: string }): FormData {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  if (media) form.append('media', new Blob([new Uint8Array(media.content)], { type: media.type }), media.name);
  return form;
}
const post = (path: string, body: FormData | URLSearchParams) => fetch(v2(path), { method: 'POST', body });
const opened = async (res: Response): Promise<string> => {
  const { status, body } = await json(res);
  expect(status, JSON.stringify(body)).toBe(200);
  return body[0].service_request_id;
};
const caseCount = async () =>
  Number(
    (
      await api.t.db
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('service discovery', () => {
  it('describes the production endpoint in JSON and XML, at the address the app used', async () => {
    const { status, body } = await json(await fetch(`${base}/open311/discovery.json`));
    expect(status).toBe(200);
    expect(body).toEqual({
      changeset: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      contact: expect.any(String),
      key_service: expect.any(String),
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: `${base}/open311/v2`,
          changeset: body.changeset,
          type: 'production',
          formats: ['text/xml', 'application/json'],
        },
      ],
    });
    // The endpoint it names is the one that answers.
    expect((await fetch(`${body.endpoints[0].url}/services.json?jurisdiction_id=milano`)).status).toBe(200);

    const xml = await fetch(`${base}/open311/discovery.xml`);
    expect(xml.headers.get('content-type')).toMatch(/^text\/xml; charset=utf-8/);
    expect(await xml.text()).toMatch(
      new RegExp(
        '^<\\?xml version="1.0" encoding="utf-8"\\?>\\n<discovery><changeset>[^<]+</changeset><contact>[^<]+</contact><key_service>[^<]+</key_service>' +
          `<endpoints><endpoint><specification>http://wiki.open311.org/GeoReport_v2</specification><url>${base}/open311/v2</url>` +
          '<changeset>[^<]+</changeset><type>production</type><formats><format>text/xml</format><format>application/json</format></formats>' +
          '</endpoint></endpoints></discovery>$',
      ),
    );
    await expectError(await fetch(`${base}/open311/discovery.csv`), 400, /format/);
  });

  it('names the configured external address and contact when there are', async () => {
    const app = await buildTestApp(api.t.db, api.w, {
      PUBLIC_URL: 'https://sportello.comune.example/',
      OPEN311_CONTACT: 'open311@comune.example',
    });
    try {
      const body = (await app.inject({ url: '/open311/discovery.json' })).json();
      expect(body.contact).toBe('open311@comune.example');
      expect(body.endpoints[0].url).toBe('https://sportello.comune.example/open311/v2');
    } finally {
      await app.close();
    }
  });
});

describe('photos uploaded as multipart', () => {
  it('opens the case, keeps the photo as an attachment and serves it back for a public service', async () => {
    const id = await opened(await post('requests.json', multipart(pothole(), { content: png, type: 'image/png', name: 'buca.png' })));
    const attachments = await api.t.db
      .selectFrom('attachments')
      .select(['id', 'source', 'file_name', 'content_type', 'size', 'content', 'municipality_id'])
      .where('case_id', '=', id)
      .execute();
    expect(attachments).toEqual([
      {
        id: expect.any(String),
        source: 'open311',
        file_name: 'buca.png',
        content_type: 'image/png',
        size: png.length,
        content: png,
        municipality_id: 'milano',
      },
    ]);
    const row = await api.t.db.selectFrom('cases').select(['description', 'details']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ description: 'Buca profonda sulla corsia di destra', details: { address: 'Via Padova 120', danger: true } });

    const [request] = (await json(await fetch(v2(`requests/${id}.json?jurisdiction_id=milano`)))).body;
    expect(request.media_url).toBe(`${base}/open311/v2/media/${attachments[0]!.id}`);
    const photo = await fetch(request.media_url);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toBe('image/png');
    expect(photo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await photo.arrayBuffer())).toEqual(png);
    // Audited, with the app's key as the actor.
    const audit = await api.t.db.selectFrom('audit_log').select(['actor', 'action']).where('target_id', '=', attachments[0]!.id).execute();
    expect(audit).toEqual([{ actor: `api-key:${keyId}`, action: 'attachment.stored' }]);
  });

  it('keeps a media_url as its own field, shown for a public service only', async () => {
    const link = 'https://app.example.org/foto/buca.jpg';
    const id = await opened(await post('requests.json', new URLSearchParams([...pothole(), ['media_url', link]])));
    expect((await api.t.db.selectFrom('cases').select('description').where('id', '=', id).executeTakeFirstOrThrow()).description).toBe(
      'Buca profonda sulla corsia di destra',
    );
    expect((await json(await fetch(v2(`requests/${id}.json?jurisdiction_id=milano`)))).body[0].media_url).toBe(link);

    // A photo of another service may show a person or a home: anonymous answers leave it out, and its route does not serve it.
    const other = await opened(
      await post(
        'requests.json?jurisdiction_id=milano',
        multipart([...generalInformation(), ['media_url', link]], { content: png, type: 'image/png', name: 'sportello.png' }),
      ),
    );
    // Anyone: the case of an unpublished service is not found, nor is its photo; a key of Milan sees both.
    await expectError(await fetch(v2(`requests/${other}.json?jurisdiction_id=milano`)), 404, new RegExp(other));
    const [stored] = await api.t.db.selectFrom('attachments').select('id').where('case_id', '=', other).execute();
    await expectError(await fetch(v2(`media/${stored!.id}`)), 404, /was not found/);
    expect((await fetch(v2(`media/${stored!.id}?api_key=${encodeURIComponent(key)}`))).status).toBe(200);
    const listed = async (withKey: boolean) =>
      Object.fromEntries(
        (
          await json(
            await fetch(
              v2(
                `requests.json?jurisdiction_id=milano&service_request_id=${id},${other}${withKey ? `&api_key=${encodeURIComponent(key)}` : ''}`,
              ),
            ),
          )
        ).body.map((r: { service_request_id: string; media_url: string }) => [r.service_request_id, r.media_url]),
      );
    expect(await listed(false)).toEqual({ [id]: link });
    expect(await listed(true)).toEqual({ [id]: link, [other]: `${base}/open311/v2/media/${stored!.id}` });
  });

  it('keeps one photo for a repeated request, and refuses files outside the limits before opening anything', async () => {
    const form = () => multipart(pothole(), { content: png, type: 'image/png', name: 'buca.png' });
    const headers = { 'idempotency-key': 'app-foto-0001' };
    const first = await opened(await fetch(v2('requests.json'), { method: 'POST', body: form(), headers }));
    expect(await opened(await fetch(v2('requests.json'), { method: 'POST', body: form(), headers }))).toBe(first);
    expect(await api.t.db.selectFrom('attachments').select('id').where('case_id', '=', first).execute()).toHaveLength(1);

    const before = await caseCount();
    const exe = { content: Buffer.from('MZ\x90\x00'), type: 'application/x-msdownload', name: 'foto.exe' };
    await expectError(await post('requests.json', multipart(pothole(), exe)), 400, /^media: files of type application\/x-msdownload/);
    const huge = { content: Buffer.alloc(10 * 1024 * 1024 + 1, 1), type: 'image/jpeg', name: 'enorme.jpg' };
    await expectError(await post('requests.json', multipart(pothole(), huge)), 400, /^media: the file is larger than 10 MB/);
    await expectError(
      await post('requests.json', multipart(pothole(), { ...exe, content: Buffer.alloc(0), type: 'image/png' })),
      400,
      /^media: the file is empty/,
    );
    const wrongField = multipart(pothole());
    wrongField.append('photo', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'buca.png');
    await expectError(await post('requests.json', wrongField), 400, /^photo: files are taken only in the media field/);
    // The attributes are still checked by the definition, as for a form.
    await expectError(
      await post('requests.json', multipart(pothole().filter(([n]) => n !== 'attribute[danger]'))),
      400,
      /attribute\[danger\]: Pericolo immediato is required/,
    );
    expect(await caseCount()).toBe(before);
  });
});

describe('api_key and jurisdiction_id in the query string', () => {
  it('takes them from the query string of a form or multipart POST, as clients send them', async () => {
    const fields = pothole().filter(([n]) => n !== 'api_key' && n !== 'jurisdiction_id');
    const query = `api_key=${encodeURIComponent(key)}&jurisdiction_id=milano`;
    await opened(await post(`requests.json?${query}`, new URLSearchParams(fields)));
    await opened(await post(`requests.json?${query}`, multipart(fields, { content: png, type: 'image/png', name: 'buca.png' })));
    // Also both places, when they agree; a conflict is named.
    await opened(await post(`requests.json?${query}`, new URLSearchParams(pothole())));
    await expectError(
      await post('requests.json?jurisdiction_id=firenze', new URLSearchParams(pothole())),
      400,
      /^jurisdiction_id: given in the query string and in the body/,
    );
    await expectError(await post('requests.json?api_key=stolen', new URLSearchParams(fields)), 403, /api_key is invalid/);
    await expectError(await post('requests.json?jurisdiction_id=milano', new URLSearchParams(fields)), 403, /api_key was not provided/);
  });
  it('masks a key sent in the query string in the request log', async () => {
    const lines: string[] = [];
    const stream = new PassThrough().on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    const config = loadConfig({ NODE_ENV: 'test', CASE_TASK_QUEUE: api.w.taskQueue, TELEPHONY_TASK_QUEUE: api.w.telephonyTaskQueue });
    const app = await buildApp({ config, db: api.t.db, temporal: api.w.client, logger: pino({ level: 'info' }, stream) });
    try {
      const url = `/open311/v2/requests.json?jurisdiction_id=milano&api_key=${encodeURIComponent(key)}`;
      expect(
        (
          await app.inject({
            method: 'POST',
            url,
            payload: 'service_code=x',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          })
        ).statusCode,
      ).toBe(400);
    } finally {
      await app.close();
    }
    const log = lines.join('');
    expect(log).toContain('/open311/v2/requests.json?jurisdiction_id=milano&api_key=[redacted]');
    expect(log).not.toContain(key);
  });
});

describe('the 90-day window', () => {
  const day = 24 * 3600_000;
  const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
  it('refuses a wider range of requests or updates, naming start_date', async () => {
    const now = Date.now();
    for (const path of ['requests', 'servicerequestupdates']) {
      await expectError(
        await fetch(v2(`${path}.json?jurisdiction_id=milano&start_date=${iso(now - 100 * day)}&end_date=${iso(now - 9 * day)}`)),
        400,
        /^start_date: .*longer than 90 days/,
      );
      await expectError(
        await fetch(v2(`${path}.json?jurisdiction_id=milano&start_date=${iso(now - 91 * day)}`)),
        400,
        /^start_date: .*to now/,
      );
      const xml = await fetch(v2(`${path}.xml?jurisdiction_id=milano&start_date=2025-01-01T00:00:00Z&end_date=2025-06-01T00:00:00Z`));
      expect(xml.status).toBe(400);
      expect(await xml.text()).toMatch(
        /<errors><error><code>400<\/code><description>start_date: [^<]*90 days[^<]*<\/description><\/error><\/errors>$/,
      );
      // Ninety days are allowed, and an end in the future counts up to now.
      expect((await fetch(v2(`${path}.json?jurisdiction_id=milano&start_date=${iso(now - 90 * day + 60_000)}`))).status).toBe(200);
      expect(
        (await fetch(v2(`${path}.json?jurisdiction_id=milano&start_date=${iso(now - 30 * day)}&end_date=${iso(now + 365 * day)}`))).status,
      ).toBe(200);
    }
  });
});

describe('FixMyStreet update extension (servicerequestupdates)', () => {
  type Update = {
    update_id: string;
    service_request_id: string;
    status: string;
    updated_datetime: string;
    description: string;
    media_url: string | null;
  };
  /** The steps of a request as an integration with a key of Milan reads them (anyone sees only published services' steps). */
  const updatesOf = async (id: string, withKey = true): Promise<Update[]> =>
    (
      await json(
        await fetch(v2(`servicerequestupdates.json?jurisdiction_id=milano${withKey ? `&api_key=${encodeURIComponent(key)}` : ''}`)),
      )
    ).body.filter((u: Update) => u.service_request_id === id);

  it("adds a citizen's update with a photo to the case through its workflow, and lists the request's public steps", async () => {
    const id = await opened(await post('requests.json', new URLSearchParams(pothole())));
    expect((await operator.inject({ method: 'POST', url: `/api/cases/${id}/transfer`, payload: {} })).statusCode).toBe(200);
    // A staff note with a phone number: staff-internal, never in an update.
    expect(
      (
        await operator.inject({
          method: 'POST',
          url: `/api/cases/${id}/notes`,
          payload: { text: 'Richiamare il cittadino al +393401112233' },
        })
      ).statusCode,
    ).toBe(200);

    const res = await post(
      `servicerequestupdates.json?api_key=${encodeURIComponent(key)}`,
      multipart(
        [
          ['jurisdiction_id', 'milano'],
          ['service_request_id', id],
          ['description', 'La buca si è allargata, ora è larga un metro. Mario Rossi, 3401112233'],
          ['updated_datetime', new Date().toISOString()],
          ['status', 'OPEN'],
          ['email', 'mario.rossi@example.org'],
          ['first_name', 'Mario'],
          ['last_name', 'Rossi'],
        ],
        { content: png, type: 'image/png', name: 'buca-dopo.png' },
      ),
    );
    const { status, body } = await json(res);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toEqual([{ update_id: expect.stringMatching(/^[0-9a-f-]{36}$/) }]);
    const updateId = body[0].update_id;

    // The workflow takes the information up on its own time: wait until the case's timeline shows it.
    await vi.waitFor(
      async () =>
        expect(
          await api.t.db
            .selectFrom('case_events')
            .select('type')
            .where('case_id', '=', id)
            .where('type', '=', 'information.received')
            .execute(),
        ).toHaveLength(1),
      { timeout: 20_000, interval: 100 },
    );
    const [event] = await api.t.db
      .selectFrom('case_events')
      .select(['data'])
      .where('case_id', '=', id)
      .where('type', '=', 'information.received')
      .execute();
    const [photo] = await api.t.db.selectFrom('attachments').select(['id', 'file_name']).where('case_id', '=', id).execute();
    expect(photo!.file_name).toBe('buca-dopo.png');
    expect(event!.data).toMatchObject({
      text: 'La buca si è allargata, ora è larga un metro. Mario Rossi, 3401112233',
      channel: 'open311',
      updateId,
      attachmentIds: [photo!.id],
    });
    const audit = await api.t.db.selectFrom('audit_log').select(['actor', 'action']).where('target_id', '=', id).execute();
    expect(audit).toContainEqual({ actor: `api-key:${keyId}`, action: 'case.citizen-update' });

    const updates = await updatesOf(id);
    expect(updates).toEqual([
      {
        update_id: expect.stringMatching(new RegExp(`^${id}\\.\\d+$`)),
        service_request_id: id,
        status: 'open',
        updated_datetime: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[12]:00$/),
        description: 'In lavorazione presso l’ufficio competente',
        media_url: null,
      },
      {
        update_id: updateId,
        service_request_id: id,
        status: 'open',
        updated_datetime: expect.any(String),
        description: 'Informazioni ricevute dal cittadino',
        media_url: `${base}/open311/v2/media/${photo!.id}`,
      },
    ]);
    expect(await updatesOf(id, false)).toEqual(updates);
    const everything = await (await fetch(v2('servicerequestupdates.json?jurisdiction_id=milano'))).text();
    for (const personal of ['3401112233', 'Richiamare', 'Mario', 'allargata']) expect(everything).not.toContain(personal);

    const xml = await (await fetch(v2('servicerequestupdates.xml?jurisdiction_id=milano'))).text();
    expect(xml).toContain(
      `<request_update><update_id>${updateId}</update_id><service_request_id>${id}</service_request_id><status>open</status>`,
    );
    expect(xml).toMatch(/^<\?xml[^>]*>\n<service_request_updates><request_update>.*<\/request_update><\/service_request_updates>$/);
  });

  it('passes on a citizen saying it is solved, shows the resolution as closed, and refuses updates to a closed request', async () => {
    const id = await opened(await post('requests.json', new URLSearchParams(generalInformation())));
    const update = (fields: [string, string][]) =>
      post(
        'servicerequestupdates.xml',
        new URLSearchParams([['api_key', key], ['jurisdiction_id', 'milano'], ['service_request_id', id], ...fields]),
      );
    const xml = await update([
      ['description', 'Ho trovato gli orari sul sito, grazie'],
      ['status', 'closed'],
    ]);
    expect(xml.status).toBe(200);
    expect(await xml.text()).toMatch(
      /^<\?xml[^>]*>\n<service_request_updates><request_update><update_id>[0-9a-f-]{36}<\/update_id><\/request_update><\/service_request_updates>$/,
    );
    await vi.waitFor(async () => expect((await updatesOf(id)).map((u) => u.description)).toEqual(['Informazioni ricevute dal cittadino']), {
      timeout: 20_000,
      interval: 100,
    });
    const [event] = await api.t.db
      .selectFrom('case_events')
      .select('data')
      .where('case_id', '=', id)
      .where('type', '=', 'information.received')
      .execute();
    expect(event!.data.text).toBe('Ho trovato gli orari sul sito, grazie\n\n(Secondo il cittadino il problema è risolto.)');
    // Only the office closes a case.
    expect((await api.t.db.selectFrom('cases').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('open');

    expect((await operator.inject({ method: 'POST', url: `/api/cases/${id}/resolve`, payload: { outcome: 'resolved' } })).statusCode).toBe(
      200,
    );
    expect((await updatesOf(id)).map((u) => [u.status, u.description])).toEqual([
      ['open', 'Informazioni ricevute dal cittadino'],
      ['closed', 'Richiesta risolta'],
    ]);
    // General information is not published on Open311: its steps are a key holder's only.
    expect(await updatesOf(id, false)).toEqual([]);
    const refused = await update([['description', 'Ancora una cosa']]);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/<description>service_request_id &quot;C-\d{4}-\d{6}&quot; is closed[^<]*<\/description>/);
  });

  it("takes a client's retried update once: by its update_id, else by its content", async () => {
    const id = await opened(await post('requests.json', new URLSearchParams(generalInformation())));
    const at = new Date().toISOString();
    const fields = (extra: [string, string][]): [string, string][] => [
      ['api_key', key],
      ['jurisdiction_id', 'milano'],
      ['service_request_id', id],
      ['updated_datetime', at],
      ['status', 'OPEN'],
      ...extra,
    ];
    const send = async (extra: [string, string][], photo = false) => {
      const { status, body } = await json(
        await post(
          'servicerequestupdates.json',
          multipart(fields(extra), photo ? { content: png, type: 'image/png', name: 'a.png' } : undefined),
        ),
      );
      expect(status, JSON.stringify(body)).toBe(200);
      return body[0].update_id as string;
    };
    // FixMyStreet sends its comment's id as update_id: the first POST, a retry, and two twins at once.
    const withId: [string, string][] = [
      ['update_id', 'fms-4711'],
      ['description', 'Il cartello orari è ancora sbagliato'],
    ];
    const first = await send(withId, true);
    const again = await Promise.all([send(withId, true), send(withId, true), send(withId, true)]);
    expect(again).toEqual([first, first, first]);
    // The same update_id with other words is another update under a used name: refused, nothing added.
    await expectError(
      await post(
        'servicerequestupdates.json',
        new URLSearchParams(
          fields([
            ['update_id', 'fms-4711'],
            ['description', 'Altro testo'],
          ]),
        ),
      ),
      409,
      /update_id "fms-4711" was already sent for this request with other content/,
    );
    // Without an update_id the content names the update: the same words and time again are the same update.
    const plain: [string, string][] = [['description', 'Aggiungo: anche il sito è sbagliato']];
    const second = await send(plain);
    expect(await send(plain)).toBe(second);
    expect(second).not.toBe(first);
    // Another update: the workflow takes information in order, so once this one is on the timeline every earlier one is too.
    const last = await send([['description', 'Ultima cosa, grazie']]);
    const received = async () =>
      (
        await api.t.db
          .selectFrom('case_events')
          .select('data')
          .where('case_id', '=', id)
          .where('type', '=', 'information.received')
          .orderBy('seq')
          .execute()
      ).map((e) => e.data.updateId);
    await vi.waitFor(async () => expect((await received()).at(-1)).toBe(last), { timeout: 20_000, interval: 100 });
    expect(await received()).toEqual([first, second, last]);
    const audited = await api.t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', id)
      .where('action', '=', 'case.citizen-update')
      .execute();
    expect(audited).toHaveLength(3);
    expect(await api.t.db.selectFrom('attachments').select('id').where('case_id', '=', id).execute()).toHaveLength(1);
  });

  it('checks the key, the request and the parameters', async () => {
    const id = await opened(await post('requests.json', new URLSearchParams(generalInformation())));
    const fields = (extra: [string, string][]) => new URLSearchParams([['jurisdiction_id', 'milano'], ...extra]);
    await expectError(
      await post(
        'servicerequestupdates.json',
        fields([
          ['service_request_id', id],
          ['description', 'x'],
        ]),
      ),
      403,
      /api_key was not provided/,
    );
    const { key: auditorKey } = await testApiKey(api.t.db, 'auditor', ['milano']);
    await expectError(
      await post(
        'servicerequestupdates.json',
        fields([
          ['api_key', auditorKey],
          ['service_request_id', id],
          ['description', 'x'],
        ]),
      ),
      403,
      /api_key is invalid/,
    );
    const { key: florenceKey } = await testApiKey(api.t.db, 'operator', ['firenze']);
    await expectError(
      await post(
        'servicerequestupdates.json',
        fields([
          ['api_key', florenceKey],
          ['service_request_id', id],
          ['description', 'x'],
        ]),
      ),
      403,
      /jurisdiction_id "milano"/,
    );
    await expectError(
      await post(
        'servicerequestupdates.json',
        fields([
          ['api_key', key],
          ['service_request_id', 'C-2026-999999'],
          ['description', 'x'],
        ]),
      ),
      404,
      /C-2026-999999/,
    );
    await expectError(
      await post(
        'servicerequestupdates.json',
        fields([
          ['api_key', key],
          ['service_request_id', id],
        ]),
      ),
      400,
      /description was not provided/,
    );
    await expectError(
      await post(
        'servicerequestupdates.json',
        fields([
          ['api_key', key],
          ['service_request_id', id],
          ['description', 'x'],
          ['status', 'fixed'],
        ]),
      ),
      400,
      /^status:/,
    );
    await expectError(
      await post(
        'servicerequestupdates.json',
        fields([
          ['api_key', key],
          ['service_request_id', id],
          ['description', 'x'],
          ['updated_datetime', 'ieri'],
        ]),
      ),
      400,
      /^updated_datetime:/,
    );
    await expectError(await fetch(v2('servicerequestupdates.json')), 400, /jurisdiction_id was not provided/);
    await expectError(await fetch(v2('servicerequestupdates.json?jurisdiction_id=milano&end_date=domani')), 400, /^end_date/);
  });
});
