#!/usr/bin/env python3
"""Writes tor's directory token tables as data (one TSV row per rule) for the rule comparison test.

Usage: scripts/extract-tor-token-rules.py TOR_GIT_DIR REF > Resources/tor-token-rules/tor-token-rules.tsv

Reads the tables with `git show REF:FILE` (a tor checkout or mirror); records facts only: the
table, keyword, count macro, argument macro and object syntax of each entry. The first entry of a
keyword wins, as in tor's `get_next_token`. `AUTHCERT_MEMBERS` is expanded from its header.
"""
import re
import subprocess
import sys

TABLES = [
    ("src/feature/dirparse/routerparse.c", ["routerdesc_token_table", "extrainfo_token_table"]),
    ("src/feature/dirparse/ns_parse.c", ["rtrstatus_token_table", "networkstatus_token_table",
                                         "networkstatus_consensus_token_table",
                                         "networkstatus_vote_footer_token_table"]),
    ("src/feature/dirparse/microdesc_parse.c", ["microdesc_token_table"]),
    ("src/feature/dirparse/authcert_parse.c", ["dir_key_certificate_table"]),
    ("src/feature/dirauth/dsigs_parse.c", ["networkstatus_detached_signature_token_table"]),
]
ENTRY = re.compile(r'\b(T1_START|T1_END|T1N|T0N|T01|T1|T|A01)\(\s*"([^"]+)"\s*,\s*\w+\s*,\s*'
                   r'(ARGS|NO_ARGS|CONCAT_ARGS|GE\(\d+\)|EQ\(\d+\))\s*,\s*(\w+)\s*\)')


def show(git_dir, ref, path):
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"{ref}:{path}"],
                          check=True, capture_output=True, text=True).stdout


def main():
    git_dir, ref = sys.argv[1], sys.argv[2]
    members = show(git_dir, ref, "src/feature/dirparse/authcert_members.h")
    members = members[members.index("#define AUTHCERT_MEMBERS"):].replace("\\\n", "\n")
    print("table\tkeyword\tcount\targuments\tobject\tsource")
    for path, tables in TABLES:
        text = show(git_dir, ref, path)
        for table in tables:
            start = re.search(r"token_rule_t\s+" + table + r"\[\]\s*=\s*\{", text).end()
            body = text[start:text.index("END_OF_TABLE", start)].replace("AUTHCERT_MEMBERS", members)
            seen = set()
            for macro, keyword, args, obj in ENTRY.findall(body):
                if keyword in seen:
                    continue
                seen.add(keyword)
                print(f"{table}\t{keyword}\t{macro}\t{args}\t{obj}\t{path.split('/')[-1]}@{ref}")


if __name__ == "__main__":
    main()
