import { describe, expect, it } from 'vitest';
import { parseTraffic, trafficStatuses } from '../../../src/deployer/lb/traffic.js';

// haproxy 2.6's `show stat` columns that traffic.ts reads, in haproxy's order, among others.
const HEADER = '# pxname,svname,qcur,stot,econ,eresp,wretr,status,chkfail,chkdown,check_status,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,req_tot';
const STAT = [
  HEADER,
  'fe_http,FRONTEND,0,900,,,,OPEN,,,,0,800,0,10,90,0,900',
  'be_shop.web.2,web-2-a,0,300,7,1,2,DOWN,3,1,L4CON,,,,,,,',
  'be_shop.web.2,web-2-b,0,300,5,0,1,UP,0,1,L7OK,,,,,,,',
  'be_shop.web.2,BACKEND,0,600,12,1,3,DOWN,,2,,0,500,0,10,90,2,602',
  'be_shop.web.1,web-1-a,0,10,0,0,0,UP,0,0,L7OK,,,,,,,',
  'be_shop.web.1,BACKEND,0,10,0,0,0,UP,,0,,0,10,0,0,0,0,10',
  '',
].join('\n');

describe('a baked backend\'s traffic from show stat', () => {
  it('takes responses, 5xx and errors from the BACKEND row, DOWN transitions and states from the servers', () => {
    const traffic = parseTraffic(STAT);
    expect(traffic.get('be_shop.web.2')).toEqual({ responses: 602, http5xx: 90, connectionErrors: 12, responseErrors: 1, serverDowns: 2, down: ['web-2-a'] });
    expect(traffic.get('be_shop.web.1')).toEqual({ responses: 10, http5xx: 0, connectionErrors: 0, responseErrors: 0, serverDowns: 0, down: [] });
    expect(traffic.has('fe_http')).toBe(false);
  });

  it('reports only the baked backends, with the worker that counted', () => {
    const statuses = trafficStatuses(new Set(['shop.web.2', 'shop.web.9']), parseTraffic(STAT), 4242);
    expect([...statuses.keys()]).toEqual(['/scalerd/lb/status/traffic/shop.web.2']);
    expect(statuses.get('/scalerd/lb/status/traffic/shop.web.2')).toMatchObject({ worker: 4242, responses: 602, down: ['web-2-a'] });
  });

  it('refuses a show stat without the columns it needs', () => {
    expect(() => parseTraffic('# pxname,svname,status\n')).toThrow(/no column hrsp_1xx/);
  });
});
