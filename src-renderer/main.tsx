/** Entry point: waits briefly for the shell to install `window.oncall`, then renders the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { hasBridge } from './bridge';
import './styles/base.css';
import './styles/layout.css';
import './styles/views.css';

async function waitForBridge(timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!hasBridge() && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
  return hasBridge();
}

const root = createRoot(document.getElementById('root')!);
void waitForBridge(10_000).then((ok) => {
  root.render(
    <StrictMode>
      {ok ? (
        <App defaultServer={document.querySelector<HTMLMetaElement>('meta[name="oncall-default-server"]')?.content || undefined} />
      ) : (
        <p className="empty boot" role="alert">
          OnCall Desk could not connect to its desktop process. Restart the app.
        </p>
      )}
    </StrictMode>,
  );
});
