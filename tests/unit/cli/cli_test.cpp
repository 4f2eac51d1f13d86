// The pgring client's pure parts: the statement splitter, the table printers (expected output
// captured from psql 15), the command line, and error positions.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "error_report.hpp"
#include "options.hpp"
#include "printer.hpp"
#include "statement_splitter.hpp"

namespace pgring::cli {
namespace {

std::vector<std::string> statements(std::string_view sql) {
    std::vector<std::string> out;
    for (const script_item& i : split_script(sql)) {
        out.push_back(i.kind == script_item::kind_t::statement ? i.text : "META " + i.text);
    }
    return out;
}

using strings = std::vector<std::string>;

TEST(SplitScript, SplitsAtSemicolons) {
    EXPECT_EQ(statements("select 1; select 2;select 3"), (strings{"select 1;", "select 2;", "select 3"}));
}

TEST(SplitScript, CopyFromStdinInAFileTakesTheLinesUpToBackslashDot) {
    const std::string file =
        "select 1;\ncopy t from stdin; -- data follows\n1\tx;y\n\\N\t'\n\\.\nselect 2;\nCOPY t FROM STDIN;\nlast\n";
    const std::vector<script_item> items = split_script_with_copy_data(file);
    ASSERT_EQ(items.size(), 4u);
    EXPECT_EQ(items[0].text, "select 1;");
    EXPECT_FALSE(items[0].copy_data);
    EXPECT_EQ(items[1].text, "copy t from stdin;");
    ASSERT_TRUE(items[1].copy_data);
    EXPECT_EQ(*items[1].copy_data, "1\tx;y\n\\N\t'\n") << "quotes and semicolons in data are data";
    EXPECT_EQ(items[2].text, "select 2;");
    EXPECT_EQ(items[2].line, 6u);
    EXPECT_EQ(items[2].offset, file.find("select 2"));
    ASSERT_TRUE(items[3].copy_data);
    EXPECT_EQ(*items[3].copy_data, "last\n") << "without \\. the data runs to the end";
    EXPECT_TRUE(is_copy_from_stdin("COPY t (a, b) FROM STDIN WITH (FORMAT csv)"));
    EXPECT_FALSE(is_copy_from_stdin("COPY t TO STDOUT"));
    EXPECT_FALSE(is_copy_from_stdin("select 'copy from stdin'"));
}

TEST(SplitScript, DropsEmptyAndCommentOnlyStatements) {
    EXPECT_EQ(statements(" ; ;\n-- just a comment\n/* block */ ;"), strings{});
}

TEST(SplitScript, KeepsSemicolonsInQuotesAndComments) {
    EXPECT_EQ(statements("select 'a;b''c;', \"x;y\" -- c;\n, 2 /* d; /* nested; */ e; */; select 3"),
              (strings{"select 'a;b''c;', \"x;y\" -- c;\n, 2 /* d; /* nested; */ e; */;", "select 3"}));
}

TEST(SplitScript, HonoursBackslashEscapesOnlyInEStrings) {
    EXPECT_EQ(statements("select E'it\\'s;'; select 'c:\\'; select 2"),
              (strings{"select E'it\\'s;';", "select 'c:\\';", "select 2"}));
}

TEST(SplitScript, HandlesDollarQuotes) {
    EXPECT_EQ(statements("select $$a;b$$, $fn$ x $$; $fn$; select $1"),
              (strings{"select $$a;b$$, $fn$ x $$; $fn$;", "select $1"}));
    EXPECT_EQ(statements("select a$b$c; select 2"), (strings{"select a$b$c;", "select 2"}));
}

TEST(SplitScript, KeepsParenthesesTogether) {
    EXPECT_EQ(
        statements("create rule r as on insert to t do also (insert into u values (1); delete from v); x"),
        (strings{"create rule r as on insert to t do also (insert into u values (1); delete from v);", "x"}));
}

TEST(SplitScript, KeepsBeginAtomicBodiesTogether) {
    const char* body =
        "create function f() returns int language sql begin atomic select 1; select case when true then 2 "
        "end; end";
    EXPECT_EQ(statements(std::string(body) + "; select 3"), (strings{std::string(body) + ";", "select 3"}));
    EXPECT_EQ(statements("begin; select 1; end; select 2"),
              (strings{"begin;", "select 1;", "end;", "select 2"}));
}

TEST(SplitScript, SeparatesMetaCommands) {
    EXPECT_EQ(statements("select 1;\n\\copy t from x\nselect 2"),
              (strings{"select 1;", "META \\copy", "select 2"}));
    EXPECT_EQ(statements("select '\\x'"), (strings{"select '\\x'"}));
}

TEST(SplitScript, ReportsOffsetAndLine) {
    const auto items = split_script("select 1;\n\n  select\n2;");
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[1].offset, 13u);
    EXPECT_EQ(items[1].line, 3u);
    EXPECT_EQ(items[1].text, "select\n2;");
}

TEST(SplitScript, UnterminatedQuoteIsOneLastStatement) {
    EXPECT_EQ(statements("select 1; select 'abc; select 2"), (strings{"select 1;", "select 'abc; select 2"}));
}

TEST(StatementWords, SkipsQuotesAndComments) {
    EXPECT_EQ(statement_words("COPY t /* stdin */ TO 'stdout' -- x\n FROM \"STDIN\" Stdout"),
              (strings{"copy", "t", "to", "from", "stdout"}));
}

result_table sample() {
    result_table t;
    t.columns = {{"x", 25}, {"y", 23}, {"z", 25}, {"w", 25}};
    t.rows = {{std::string("a\nbcd"), std::string("1"), std::string("l1\nl2\nl3"), std::string("abc")}};
    return t;
}

std::string printed(const result_table& t, const print_options& o) {
    std::string out;
    print_table(t, o, out);
    return out;
}

TEST(PrintTable, AlignedMatchesPsql) {
    EXPECT_EQ(printed(sample(), {}),
              "  x  | y | z  |  w  \n"
              "-----+---+----+-----\n"
              " a  +| 1 | l1+| abc\n"
              " bcd |   | l2+| \n"
              "     |   | l3 | \n"
              "(1 row)\n\n");
}

TEST(PrintTable, AlignedRightAlignsNumbersAndCountsRows) {
    result_table t;
    t.columns = {{"?column?", 23}, {"?column?", 23}};
    t.rows = {{std::string("1"), std::string("2")}, {std::string("10"), std::nullopt}};
    EXPECT_EQ(printed(t, {}),
              " ?column? | ?column? \n"
              "----------+----------\n"
              "        1 |        2\n"
              "       10 |         \n"
              "(2 rows)\n\n");
    EXPECT_EQ(printed(t, {.tuples_only = true}), "        1 |        2\n       10 |         \n\n");
}

TEST(PrintTable, AlignedLeavesRightAlignedLastColumnEmptyBelowItsValue) {
    result_table t;
    t.columns = {{"?column?", 23}, {"?column?", 25}, {"?column?", 23}};
    t.rows = {{std::string("1"), std::string("multi\nline"), std::string("2")}};
    EXPECT_EQ(printed(t, {}),
              " ?column? | ?column? | ?column? \n"
              "----------+----------+----------\n"
              "        1 | multi   +|        2\n"
              "          | line     | \n"
              "(1 row)\n\n");
}

TEST(PrintTable, AlignedEscapesControlsAndMeasuresWideCharacters) {
    result_table t;
    t.columns = {{"x", 25}, {"y", 25}};
    t.rows = {{std::string("a\tb\\c\x01"
                           "d\re"),
               std::string("\xC3\xBC\xE6\x97\xA5")}};
    EXPECT_EQ(printed(t, {}),
              "          x          |  y  \n"
              "---------------------+-----\n"
              " a       b\\c\\x01d\\re | \xC3\xBC\xE6\x97\xA5\n"
              "(1 row)\n\n");
}

TEST(PrintTable, AlignedMultiLineHeader) {
    result_table t;
    t.columns = {{"a\nb", 23}, {"c", 23}};
    t.rows = {{std::string("1"), std::string("2")}};
    EXPECT_EQ(printed(t, {}), " a+| c \n b |   \n---+---\n 1 | 2\n(1 row)\n\n");
}

TEST(PrintTable, UnalignedUsesSeparators) {
    result_table t;
    t.columns = {{"a", 23}, {"b", 23}};
    t.rows = {{std::string("1"), std::string("2")}, {std::string("3"), std::nullopt}};
    EXPECT_EQ(
        printed(t, {.format = output_format::unaligned, .field_separator = "Y", .record_separator = "X"}),
        "aYbX1Y2X3YX(2 rows)\n");
    EXPECT_EQ(printed(t, {.format = output_format::unaligned, .tuples_only = true}), "1|2\n3|\n");
}

TEST(PrintTable, NoColumnsPrintsLikePsql) {
    result_table t;
    t.rows = {{}, {}};
    EXPECT_EQ(printed(t, {}), "--\n(2 rows)\n\n");
    EXPECT_EQ(printed(t, {.tuples_only = true}), "\n");
    EXPECT_EQ(printed(t, {.format = output_format::unaligned}), "\n(2 rows)\n");
    EXPECT_EQ(printed(t, {.format = output_format::unaligned, .tuples_only = true}), "");
    EXPECT_EQ(printed(t, {.format = output_format::csv}), "\n");
}

TEST(PrintTable, CsvQuotesAsPsql) {
    result_table t;
    t.columns = {{"x,y", 25}, {"b", 25}, {"c", 25}, {"d", 25}, {"e", 25}, {"f", 25}, {"g", 25}};
    t.rows = {{std::string("a,b"), std::string("q\""), std::string("l\nm"), std::string(""), std::nullopt,
               std::string("\\."), std::string(" s ")}};
    EXPECT_EQ(printed(t, {.format = output_format::csv}),
              "\"x,y\",b,c,d,e,f,g\n\"a,b\",\"q\"\"\",\"l\nm\",,,\"\\.\", s \n");
    EXPECT_EQ(printed(t, {.format = output_format::csv, .tuples_only = true}),
              "\"a,b\",\"q\"\"\",\"l\nm\",,,\"\\.\", s \n");
}

TEST(PrintTable, JsonTypesValues) {
    result_table t;
    t.columns = {{"i", 23}, {"f", 701}, {"n", 1700}, {"b", 16}, {"j", 3802}, {"t", 25}, {"nul", 25}};
    t.rows = {{std::string("-42"), std::string("1.5e+100"), std::string("NaN"), std::string("t"),
               std::string("{\"a\": [1]}"), std::string("say \"hi\"\n"), std::nullopt}};
    EXPECT_EQ(
        printed(t, {.format = output_format::json}),
        "{\"i\":-42,\"f\":1.5e+100,\"n\":\"NaN\",\"b\":true,\"j\":{\"a\": [1]},\"t\":\"say \\\"hi\\\"\\n\","
        "\"nul\":null}\n");
}

TEST(ParseOptions, ReadsPsqlStyleFlags) {
    const char* argv[] = {"pgring",       "-X",  "-At", "-c",    "select 1", "-cselect 2",
                          "--file=x.sql", "-F",  ";",   "--csv", "-v",       "ON_ERROR_STOP=0",
                          "--timeout",    "1.5", "-h",  "db",    "mydb",     "me"};
    cli_options o;
    std::string error;
    ASSERT_TRUE(parse_options(std::size(argv), argv, o, error)) << error;
    EXPECT_TRUE(o.tuples_only);
    EXPECT_EQ(o.format, output_format::csv);
    ASSERT_EQ(o.scripts.size(), 3u);
    EXPECT_EQ(o.scripts[1].text, "select 2");
    EXPECT_TRUE(o.scripts[2].is_file);
    EXPECT_EQ(o.field_separator, ";");
    EXPECT_FALSE(o.on_error_stop);
    EXPECT_EQ(o.timeout, std::chrono::milliseconds(1500));
    EXPECT_EQ(o.host, "db");
    EXPECT_EQ(o.dbname, "mydb");
    EXPECT_EQ(o.username, "me");
}

TEST(ParseOptions, RejectsUnknownOptionsAndMissingValues) {
    cli_options o;
    std::string error;
    const char* bad[] = {"pgring", "-Z"};
    EXPECT_FALSE(parse_options(2, bad, o, error));
    EXPECT_EQ(error, "invalid option -- 'Z'");
    const char* missing[] = {"pgring", "-c"};
    EXPECT_FALSE(parse_options(2, missing, o, error));
    const char* timeout[] = {"pgring", "--timeout=abc"};
    EXPECT_FALSE(parse_options(2, timeout, o, error));
}

TEST(ParseOptions, CollectsListenChannelsInOrder) {
    const char* argv[] = {"pgring", "--listen", "jobs", "--listen=Mixed Case \"x\"", "-c", "NOTIFY jobs", "mydb"};
    cli_options o;
    std::string error;
    ASSERT_TRUE(parse_options(std::size(argv), argv, o, error)) << error;
    EXPECT_EQ(o.listen_channels, (std::vector<std::string>{"jobs", "Mixed Case \"x\""}));
    ASSERT_EQ(o.scripts.size(), 1u);
    EXPECT_EQ(o.dbname, "mydb");

    cli_options none;
    const char* plain[] = {"pgring", "-c", "select 1"};
    ASSERT_TRUE(parse_options(std::size(plain), plain, none, error)) << error;
    EXPECT_TRUE(none.listen_channels.empty());
}

TEST(ParseOptions, RejectsListenWithoutAChannel) {
    cli_options o;
    std::string error;
    const char* missing[] = {"pgring", "--listen"};
    EXPECT_FALSE(parse_options(std::size(missing), missing, o, error));
    EXPECT_EQ(error, "option '--listen' requires an argument");
    const char* empty[] = {"pgring", "--listen="};
    EXPECT_FALSE(parse_options(std::size(empty), empty, o, error));
    EXPECT_EQ(error, "--listen needs a channel name");
}

TEST(BuildConninfo, ExpandsConnectionStringsAfterFlags) {
    cli_options o;
    o.host = "h1";
    o.port = "5433";
    o.dbname = "postgresql://u@h2/db";
    std::string conninfo;
    std::string error;
    ASSERT_TRUE(build_conninfo(o, conninfo, error)) << error;
    EXPECT_EQ(conninfo, "host='h2' port='5433' user='u' dbname='db' fallback_application_name='pgring'");
    o.dbname = "it's";
    ASSERT_TRUE(build_conninfo(o, conninfo, error));
    EXPECT_EQ(conninfo, "host='h1' port='5433' dbname='it\\'s' fallback_application_name='pgring'");
    o.dbname = "host=x bogus=1";
    EXPECT_FALSE(build_conninfo(o, conninfo, error));
}

TEST(FormatServerMessage, ShowsLineAndCaret) {
    diagnostics d;
    d.severity = "ERROR";
    d.message = "syntax error at or near \"bad\"";
    d.position = "1";
    d.hint = "a hint";
    const std::string source = "select 1;\n  select 2; bad";
    EXPECT_EQ(format_server_message(d, {source, 22}, ""),
              "ERROR:  syntax error at or near \"bad\"\n"
              "LINE 2:   select 2; bad\n"
              "                    ^\n"
              "HINT:  a hint\n");
}

TEST(FormatServerMessage, CutsLongLinesAsLibpq) {
    diagnostics d;
    d.severity = "ERROR";
    d.message = "column \"x\" does not exist";
    const std::string source = "select '" + std::string(84, 'a') + "' || x from y";
    d.position = std::to_string(source.find("x from") + 1);
    EXPECT_EQ(format_server_message(d, {source, 0}, ""),
              "ERROR:  column \"x\" does not exist\n"
              "LINE 1: ..." +
                  std::string(47, 'a') + "' || x from y\n" + std::string(63, ' ') + "^\n");
}

TEST(FormatServerMessage, LeavesContextOutForNotices) {
    diagnostics d;
    d.severity = "NOTICE";
    d.message = "hi";
    d.where = "PL/pgSQL function inline_code_block line 1 at RAISE";
    EXPECT_EQ(format_server_message(d, {}, "", false), "NOTICE:  hi\n");
    EXPECT_EQ(format_server_message(d, {}, "pgring:f:1: ", true),
              "pgring:f:1: NOTICE:  hi\nCONTEXT:  PL/pgSQL function inline_code_block line 1 at RAISE\n");
}

}  // namespace
}  // namespace pgring::cli
