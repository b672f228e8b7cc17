// Types of the Prometheus text parser the /metrics test reads the export with (the package ships none).
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
