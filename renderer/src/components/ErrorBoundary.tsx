// One area's render error stays in that area: the boundary shows what broke and a way back, the rest of the
// console (navigation, top bar, jobs) keeps working. Keyed by area, so switching areas starts clean.
import { Component, type ErrorInfo, type ReactNode } from 'react';

export interface BoundaryText { title: string; retry: string }

export class ErrorBoundary extends Component<{ text: BoundaryText; children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) { return { error }; }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    // Kept in the developer console for a bug report; the operator sees the message below.
    console.error('area render error', error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="area-error card" role="alert">
        <h2>{this.props.text.title}</h2>
        <pre className="error-text">{error.message}</pre>
        <button type="button" className="primary" onClick={() => this.setState({ error: null })}>{this.props.text.retry}</button>
      </div>
    );
  }
}
