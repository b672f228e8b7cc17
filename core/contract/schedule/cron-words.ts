// A cron spec read back in words, in English or Simplified Chinese: "every weekday at 18:00, Asia/Shanghai" /
// "每个工作日 18:00，Asia/Shanghai". Shared by the renderer's cron helper and the core (event texts).
import { parseCron, type CronSpec } from './cron';

export type CronLang = 'en' | 'zh-CN';

const DAY_NAMES = {
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  'zh-CN': ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
};
const MONTH_NAMES = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  'zh-CN': ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
};

const pad = (n: number) => String(n).padStart(2, '0');
const isRange = (v: number[], lo: number, hi: number) => v.length === hi - lo + 1 && v[0] === lo && v[v.length - 1] === hi;

function list(items: string[], lang: CronLang): string {
  if (lang === 'zh-CN') return items.join('、');
  return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

// A uniform step over a whole field (every 15 minutes -> 15), or 0.
function stepOf(v: number[], lo: number, hi: number): number {
  if (v.length < 2 || v[0] !== lo) return 0;
  const step = v[1] - v[0];
  for (let i = 1; i < v.length; i++) if (v[i] - v[i - 1] !== step) return 0;
  return v[v.length - 1] + step > hi ? step : 0;
}

function timePart(s: CronSpec, lang: CronLang): string {
  const zh = lang === 'zh-CN';
  const allMinutes = isRange(s.minutes, 0, 59);
  const allHours = isRange(s.hours, 0, 23);
  if (allMinutes && allHours) return zh ? '每分钟' : 'every minute';
  const minuteStep = stepOf(s.minutes, 0, 59);
  if (minuteStep && allHours) return zh ? `每 ${minuteStep} 分钟` : `every ${minuteStep} minutes`;
  if (allHours && s.minutes.length === 1) return zh ? `每小时第 ${s.minutes[0]} 分` : `every hour at minute ${s.minutes[0]}`;
  const hourStep = stepOf(s.hours, 0, 23);
  if (hourStep && s.minutes.length === 1) {
    return zh ? `每 ${hourStep} 小时的第 ${s.minutes[0]} 分` : `every ${hourStep} hours at minute ${s.minutes[0]}`;
  }
  if (s.hours.length * s.minutes.length <= 6) {
    const times = s.hours.flatMap((h) => s.minutes.map((m) => `${pad(h)}:${pad(m)}`));
    return zh ? times.join('、') : `at ${list(times, lang)}`;
  }
  const mins = allMinutes ? (zh ? '每分钟' : 'every minute') : (zh ? `第 ${s.minutes.join('、')} 分` : `at minutes ${s.minutes.join(', ')}`);
  return zh ? `${s.hours.join('、')} 点${mins}` : `${mins} past hours ${s.hours.join(', ')}`;
}

function dayPart(s: CronSpec, lang: CronLang): string {
  const zh = lang === 'zh-CN';
  const dow = s.daysOfWeek;
  let days: string;
  if (s.anyDayOfMonth && s.anyDayOfWeek) days = zh ? '每天' : 'every day';
  else if (s.anyDayOfMonth) {
    if (dow.join() === '1,2,3,4,5') days = zh ? '每个工作日' : 'every weekday';
    else if (dow.join() === '0,6') days = zh ? '每个周末' : 'every Saturday and Sunday';
    else days = zh ? `每${list(dow.map((d) => DAY_NAMES[lang][d]), lang)}` : `every ${list(dow.map((d) => DAY_NAMES.en[d]), lang)}`;
  } else {
    const doms = zh ? `每月 ${s.daysOfMonth.join('、')} 日` : `on day ${list(s.daysOfMonth.map(String), lang)} of the month`;
    const dows = s.anyDayOfWeek ? '' : zh ? `或每${list(dow.map((d) => DAY_NAMES[lang][d]), lang)}` : ` or every ${list(dow.map((d) => DAY_NAMES.en[d]), lang)}`;
    days = doms + dows;
  }
  if (!isRange(s.months, 1, 12)) {
    const months = list(s.months.map((m) => MONTH_NAMES[lang][m - 1]), lang);
    days = zh ? `${months}${days}` : `${days} in ${months}`;
  }
  return days;
}

/** The spec (or expression) in words; with a time zone, the zone's name follows. */
export function describeCron(spec: CronSpec | string, lang: CronLang = 'en', tz?: string): string {
  const s = typeof spec === 'string' ? parseCron(spec) : spec;
  const zh = lang === 'zh-CN';
  const text = `${dayPart(s, lang)} ${timePart(s, lang)}`;
  const sentence = zh ? text : text.replace(/^every day every/, 'every');
  return tz ? `${sentence}${zh ? '，' : ', '}${tz}` : sentence;
}
