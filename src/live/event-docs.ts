import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import { ASYNCAPI_PATH, buildAsyncApi, eventClassSchemas } from './asyncapi';

export const EVENTS_PAGE_PATH = '/api/docs/events';
const ASSETS_PATH = `${EVENTS_PAGE_PATH}/assets`;

/** The AsyncAPI renderer's browser bundle and styles, served from the installed package (no CDN). */
const RENDERER_FILES = {
  'asyncapi-react.js': {
    path: require.resolve('@asyncapi/react-component/browser/standalone/index.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'asyncapi-react.css': {
    path: require.resolve('@asyncapi/react-component/styles/default.min.css'),
    type: 'text/css; charset=utf-8',
  },
};

/**
 * The renderer's styles leave the page's font to the host page and put backticks around inline
 * code; long names and JSON wrap instead of widening the page.
 */
const PAGE_STYLE = `
  body { margin: 0; font-family: ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  .aui-root code::before, .aui-root code::after { content: none !important; }
  .aui-root pre, .aui-root code { white-space: pre-wrap; overflow-wrap: anywhere; }
  .aui-root pre { overflow-x: hidden; }
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Socket.IO events</title>
<link rel="stylesheet" href="${ASSETS_PATH}/asyncapi-react.css">
<style>${PAGE_STYLE}</style>
</head>
<body>
<div id="asyncapi"></div>
<script src="${ASSETS_PATH}/asyncapi-react.js"></script>
<script>
  const root = document.getElementById('asyncapi');
  AsyncApiStandalone.render(
    {
      schema: { url: '${ASYNCAPI_PATH}', options: { method: 'GET' } },
      config: {
        show: { sidebar: true, messages: false, errors: true },
        expand: { messageExamples: true },
        sidebar: { showOperations: 'byOperationsTags' },
        sendLabel: 'server → client',
        receiveLabel: 'client → server',
        replyLabel: 'client → server',
      },
    },
    root,
  );
  // The renderer folds every payload and ack; unfold their first level once it has settled, so each
  // event shows its fields (and each client event its acks) as Swagger UI shows a route's schema.
  const UNFOLD = ['Payload', 'Expected Reply Message', 'Expected Reply Messages'];
  let settle;
  const observer = new MutationObserver(() => {
    clearTimeout(settle);
    settle = setTimeout(() => {
      const operations = root.querySelector('#operations');
      if (!operations) return;
      observer.disconnect();
      for (const button of operations.querySelectorAll('button')) {
        const folded = !button.querySelector('svg.-rotate-90');
        if (folded && UNFOLD.includes(button.textContent.trim())) button.click();
      }
      root.dataset.unfolded = 'true';
    }, 100);
  });
  observer.observe(root, { childList: true, subtree: true });
</script>
</body>
</html>
`;

/**
 * Serves the AsyncAPI document of the Socket.IO events and a page that renders it with the
 * AsyncAPI React component, next to Swagger UI.
 */
export function serveEventDocs(app: NestFastifyApplication, version: string): void {
  const document = buildAsyncApi(eventClassSchemas(app), version);
  const http = app.getHttpAdapter().getInstance();
  http.get(ASYNCAPI_PATH, async () => document);
  http.get(EVENTS_PAGE_PATH, async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  for (const [name, file] of Object.entries(RENDERER_FILES)) {
    const body = readFileSync(file.path);
    http.get(`${ASSETS_PATH}/${name}`, async (_request, reply) =>
      reply.type(file.type).header('cache-control', 'public, max-age=3600').send(body),
    );
  }
}
