-- Corpus: inet, cidr, macaddr, macaddr8, bit, varbit.
-- Format (see tests/cli/run_corpus.py): a case is a block of lines; blank lines separate cases.
-- Each line of a block is one -c argument; all run in one fresh session, as `psql -X -At -c ...`
-- and `pgring -X -At -c ...`, whose stdout bytes and exit codes must be equal. Comment lines
-- start with --; directives: `-- flags: F...` (extra flags), `-- expect: error` (psql must report
-- an ERROR; first stderr lines compared), `-- expect: exit N`, `-- env: NAME=VALUE`,
-- `-- stderr: ignore`. Shared objects (schema cc) come from 00_setup.sql.

SELECT '192.168.100.128/25'::inet, '192.168.1.5'::inet, '10.1.2.3/8'::inet, '::1'::inet, '2001:db8::1/64'::inet

SELECT '192.168.100.128/25'::cidr, '192.168/24'::cidr, '128.1'::cidr, '10'::cidr, '2001:4f8:3:ba::/64'::cidr, '::ffff:1.2.3.4'::inet

SELECT '192.168.1.5/24'::cidr
-- expect: error

SELECT host('192.168.1.5/24'), masklen('192.168.1.5/24'::inet), netmask('192.168.1.5/24'), network('192.168.1.5/24'), broadcast('192.168.1.5/24'::inet), hostmask('10.0.0.0/8'::inet)

SELECT abbrev('10.1.0.0/16'::inet), abbrev('10.1.0.0/16'::cidr), text('192.168.1.5'::inet), set_masklen('192.168.1.5/24'::inet, 16), inet_merge('192.168.1.5/24', '192.168.2.5/24')

SELECT '192.168.1.5'::inet << '192.168.1/24'::inet, '::1'::inet + 1, '10.0.0.255'::inet + 1, '10.0.0.10'::inet - '10.0.0.1'::inet, ~'0.0.0.255'::inet

SELECT '08:00:2b:01:02:03'::macaddr, '08-00-2b-01-02-03'::macaddr, '08002b:010203'::macaddr, '0800.2b01.0203'::macaddr, '08002b010203'::macaddr

SELECT '08:00:2b:01:02:03:04:05'::macaddr8, '08002b0102030405'::macaddr8, '08:00:2b:01:02:03'::macaddr8, macaddr8_set7bit('00:34:56:ab:cd:ef'::macaddr8)

SELECT trunc('12:34:56:78:90:ab'::macaddr), '08:00:2b:01:02:03'::macaddr & 'ff:ff:ff:00:00:00', '08:00:2b:01:02:03:04:05'::macaddr8::macaddr IS NULL
-- expect: error

SELECT B'1010', B'', B'0000000011111111', X'1F', B'101'::bit(5), B'10101'::bit(3), B'1'::varbit(4)

SELECT '10101'::varbit, ''::varbit, B'1100' & B'1010', B'1100' | B'1010', B'1100' # B'1010', ~B'1100', B'1100' << 1, B'1001' >> 2

SELECT 44::bit(10), 44::bit(3), (-1)::bit(40), B'1111'::int, length(B'10101'), bit_count(B'1011011'), get_bit(B'101', 0), set_bit(B'000', 2, 1)

SELECT B'1010' || B'11', substring(B'110010111' from 3 for 4), position(B'011' in B'0010111'), repeat('01', 100)::varbit

SELECT B'102'
-- expect: error

SELECT ARRAY['10.0.0.1'::inet, NULL, '::'], ARRAY[B'1', B'01'], ARRAY['01:02:03:04:05:06'::macaddr]
