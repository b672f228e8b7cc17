/// <reference types="vite/client" />
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './styles.css';

// StrictMode in development only: its double renders and effect re-runs surface impure code early.
const app = import.meta.env.DEV ? <StrictMode><App /></StrictMode> : <App />;
createRoot(document.getElementById('root')!).render(app);
