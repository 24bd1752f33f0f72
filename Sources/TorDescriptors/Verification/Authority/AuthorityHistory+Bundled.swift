extension AuthorityHistory {
    /// `Resources/directory/authority-history.txt`, compiled in; a test checks it equals the file.
    static let bundledText = #"""
# The v3 directory authorities of the public Tor network over time: one line per v3 identity
# (SHA-1 of the authority's long-term identity key, the fingerprint of its key certificates),
# with the period tor trusted it. A consensus valid at time T is checked against the identities
# whose period contains T (from <= T < until) and needs valid signatures from more than half of
# them. A "-" until: still trusted.
#
# Format (whitespace-separated):
#   v3ident nickname from until dir-address orport=N ipv6=ADDRESS|- added-by removed-by
# from / until: UTC, YYYY-MM-DDTHH:MM:SS. added-by / removed-by: the tor release tag whose
# authority list first has / first lacks the identity (its tag date is the time), or, after the
# mirror's last tag, the consensus that first shows the change. Addresses are those of the last
# release that lists the identity.
#
# Sources:
# - tor's own authority list, read at every release tag that has v3 identities in it
#   (tor-0.2.0.7-alpha .. tor-0.4.8.1-alpha, 394 tags) of the GitHub mirror
#   github.com/torproject/tor (head 27d4ba90f6, 2024-03-05): src/or/config.c (the default
#   dirservers / DirAuthority strings) until 2018, then src/or/auth_dirs.inc (tor-0.3.3.5-rc and
#   the maint releases after it) and src/app/config/auth_dirs.inc. Times are the tags' dates. Ordered by
#   tag date, the list changes only at the tags named in added-by / removed-by (maint releases
#   carried each change on the same day), so the periods do not overlap or flicker.
#   Renames with the same identity (ides -> turtles in tor-0.2.3.14-alpha) keep one line, under
#   the later name.
# - The mirror stops at tor-0.4.8.1-alpha (2023-06-01), whose list has tor26 14C131DF... and no
#   faravahar. A later tor gave tor26 a new identity and re-added faravahar with a new one; the
#   exact release is not in the mirror. Both new identities (and the end of tor26's old one) are
#   dated by the first consensus in this project's corpus that shows them: the 2026-07-27
#   10:00:00 consensus (Resources/corpus/consensus/cropped--2026-07-27-10-00-00-consensus-arti-live),
#   whose nine dir-source lines and nine signers are exactly the set in force from then on (the
#   same nine as Resources/directory/v3-identities.txt). Between 2023-06-01 and that date the
#   set below keeps the 2023 list, which may lag the network.
# - Cross-checked against the dir-source lines of the archived consensuses of the corpus
#   (Resources/corpus, ../shared/corpus; 2012-06 .. 2022-11): every dir-source identity of each
#   is in force at its valid-after here, except Faravahar in the 2012-10-20 16:00 consensus
#   (it voted before tor-0.2.3.23-rc shipped it at 18:12 that day; its signature is not counted,
#   the other seven suffice) and Faravahar in the 2022-11-18 consensus (it still voted for a while
#   after tor-0.4.7.11 dropped it). Tests verify each of those consensuses, for which the corpus
#   has the key certificates, at its own time against this file alone.
#
# v3ident                                nickname   from                until               dir-address           orport      ipv6                                  added-by             removed-by
5420FD8EA46BD4290F1D07A1883C9D85ECC486C4 moria1     2007-09-22T05:46:30 2008-05-13T12:44:12 128.31.0.34:9031      orport=9001 ipv6=-                                    tor-0.2.0.7-alpha    tor-0.2.0.26-rc
A9AC67E64B200BBF2FA26DF194AC0469E2A948C6 tor26      2007-09-22T05:46:30 2008-05-13T12:44:12 86.59.21.38:80        orport=443  ipv6=-                                    tor-0.2.0.7-alpha    tor-0.2.0.26-rc
27B6B5996C426270A5C95488AA5BCEB6BCC86956 turtles    2007-11-10T07:29:41 2014-12-31T18:09:12 76.73.17.194:9030     orport=9090 ipv6=-                                    tor-0.2.0.10-alpha   tor-0.2.6.2-alpha
0D95B91896E6089AB9A3C6CB56E724CAF898C43F lefkada    2007-12-21T10:21:27 2008-04-23T00:36:27 140.247.60.64:80      orport=443  ipv6=-                                    tor-0.2.0.13-alpha   tor-0.2.0.24-rc
EAA879B5C75032E462CB018630D2D0DF46EBA606 gabelmoo   2008-01-17T19:58:58 2008-05-13T12:44:12 88.198.7.215:80       orport=443  ipv6=-                                    tor-0.2.0.16-alpha   tor-0.2.0.26-rc
585769C78764D58426B8B52B6651A5A71137189A dannenberg 2008-01-26T05:34:27 2016-02-04T23:07:51 193.23.244.244:80     orport=443  ipv6=-                                    tor-0.2.0.18-alpha   tor-0.2.8.1-alpha
E8A9C45EDE6D711294FADF8E7951F4DE6CA56B58 dizum      2008-04-23T00:36:27 -                   45.66.35.11:80        orport=443  ipv6=-                                    tor-0.2.0.24-rc      -
81349FC1F2DBA2C2C11B45CB9706637D480AB913 gabelmoo   2008-05-13T12:44:12 2010-01-19T21:57:29 80.190.246.100:80     orport=443  ipv6=-                                    tor-0.2.0.26-rc      tor-0.2.1.22
E2A2AF570166665D738736D0DD58169CC61D8A8B moria1     2008-05-13T12:44:12 2010-01-19T21:57:29 128.31.0.39:9031      orport=9001 ipv6=-                                    tor-0.2.0.26-rc      tor-0.2.1.22
14C131DFC5C6F93646BE72FA1401C02A8DF2E8B4 tor26      2008-05-13T12:44:12 2026-07-27T10:00:00 86.59.21.38:80        orport=443  ipv6=[2001:858:2:2:aabb:0:563b:1526]:443  tor-0.2.0.26-rc      consensus-2026-07-27
80550987E1D626E3EBA5E5E75A458DE0626D088C urras      2009-08-27T04:10:14 2016-07-07T16:31:31 208.83.223.34:443     orport=80   ipv6=-                                    tor-0.2.2.1-alpha    tor-0.2.8.5-rc
ED03BB616EB2F60BEC80151114BB25CEF515B226 gabelmoo   2010-01-19T21:57:29 -                   131.188.40.189:80     orport=443  ipv6=[2001:638:a000:4140::ffff:189]:443   tor-0.2.1.22         -
D586D18309DED4CD6D57C18FDB97EFA96D330566 moria1     2010-01-19T21:57:29 2022-12-06T16:11:24 128.31.0.39:9131      orport=9101 ipv6=-                                    tor-0.2.1.22         tor-0.4.5.15
49015F787433103580E3B66A1707A00E60F2D15B maatuska   2010-07-13T03:53:50 -                   171.25.193.9:443      orport=80   ipv6=[2001:67c:289c::9]:80                tor-0.2.2.14-alpha   -
EFCBE720AB3A82B99F9E953CD5BF50F7EEFC7B97 Faravahar  2012-10-20T18:12:04 2022-11-10T15:16:18 154.35.175.225:80     orport=443  ipv6=-                                    tor-0.2.3.23-rc      tor-0.4.7.11
23D15D965BC35114467363C165C4F724B64B4F66 longclaw   2014-12-31T18:09:12 -                   199.58.81.140:80      orport=443  ipv6=-                                    tor-0.2.6.2-alpha    -
0232AF901C31A04EE9848595AF9BB7620D4C5B2E dannenberg 2016-02-04T23:07:51 -                   193.23.244.244:80     orport=443  ipv6=[2001:678:558:1000::244]:443         tor-0.2.8.1-alpha    -
27102BC123E7AF1D4741AE047E160C91ADC76B21 bastet     2017-10-25T12:26:38 -                   204.13.164.118:80     orport=443  ipv6=[2620:13:4000:6000::1000:118]:443    tor-0.2.5.15         -
F533C81CEF0BC0267857C99B2F471ADF249FA232 moria1     2022-12-06T16:11:24 -                   128.31.0.39:9231      orport=9201 ipv6=-                                    tor-0.4.5.15         -
70849B868D606BAECFB6128C5E3D782029AA394F faravahar  2026-07-27T10:00:00 -                   216.218.219.41:80     orport=443  ipv6=-                                    consensus-2026-07-27 -
2F3DF9CA0E5D36F2685A2DA67184EB8DCB8CBA8C tor26      2026-07-27T10:00:00 -                   217.196.147.77:80     orport=443  ipv6=[2a02:16a8:662:2203::1]:443          consensus-2026-07-27 -
"""#
}
