// The suggested Simulator host URL must not name a host that exists (addHost refuses it): once the hosts called
// sim-host-N are known, a still-untouched suggestion moves to the first free number.
import { useEffect } from 'react';
import { useList } from '../../api/hooks';
import { defaultSimUrl, freeSimName } from './host-url';

export function useFreeSimUrl(url: string, setUrl: (url: string) => void) {
  const hosts = useList('listHosts', { keyword: 'sim-host-', page: 1, pagesize: 500 });
  const free = hosts.data ? defaultSimUrl(freeSimName(hosts.data.items.map((h) => h.name))) : null;
  useEffect(() => {
    if (free && url === defaultSimUrl() && free !== url) setUrl(free);
  }, [free, url, setUrl]);
}
