// The \copy meta-command's pure parts: the parser (expected statements and messages captured from
// psql 15, whose error positions count in the statement it rebuilds), path resolution, the
// splitting of \copy lines and their inline data, and the progress line's text.

#include "copy_command.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "copy_progress.hpp"
#include "statement_splitter.hpp"

namespace pgring::cli {
namespace {

copy_command parse(std::string_view args, bool standard_strings = true) {
    copy_command c;
    std::string error;
    EXPECT_TRUE(parse_copy_command(args, standard_strings, c, error)) << args << ": " << error;
    return c;
}

std::string parse_failure(std::string_view args) {
    copy_command c;
    std::string error;
    EXPECT_FALSE(parse_copy_command(args, true, c, error)) << args;
    return error;
}

TEST(ParseCopyCommand, TableToStdoutBecomesCopyToStdout) {
    const copy_command c = parse(" ct to stdout");
    EXPECT_FALSE(c.from);
    EXPECT_EQ(c.endpoint, copy_endpoint::script);
    EXPECT_EQ(c.sql(), "COPY  ct TO STDOUT ");
}

TEST(ParseCopyCommand, RejoinsNamesAndColumnListsAsPsql) {
    EXPECT_EQ(parse(" public . ct ( a , b ) to stdout (format").sql(),
              "COPY  public.ct ( a , b ) TO STDOUT (format");
    EXPECT_EQ(parse(" public.ct(a,b) to stdout (format").sql(), "COPY  public.ct ( a,b ) TO STDOUT (format")
        << "commas stay inside column-list tokens";
    EXPECT_EQ(parse(" \"My Table\" from stdin").sql(), "COPY  \"My Table\" FROM STDIN ");
    EXPECT_EQ(parse(" binary ct to stdout (format").sql(), "COPY binary ct TO STDOUT (format");
}

TEST(ParseCopyCommand, QueryFormKeepsQuotedParentheses) {
    const copy_command c = parse(" ( select  '(' ,\")(\" , E'\\')' from ct ) to stdout (format");
    EXPECT_EQ(c.sql(), "COPY  ( select '(' , \")(\" , E'\\')' from ct ) TO STDOUT (format");
    EXPECT_EQ(parse(" (select (1), ((2))) to stdout").before_tofrom, " ( select ( 1 ) , ( ( 2 ) ) )");
}

TEST(ParseCopyCommand, BackslashEscapesQuotesOnlyWithoutStandardStrings) {
    const copy_command c = parse(" (select 'a\\')' ) to stdout", false);
    EXPECT_EQ(c.before_tofrom, " ( select 'a\\')' )");
    EXPECT_EQ(c.endpoint, copy_endpoint::script);
}

TEST(ParseCopyCommand, FileNames) {
    copy_command c = parse(" ct to 'it''s here.txt' (format csv)");
    EXPECT_EQ(c.endpoint, copy_endpoint::file);
    EXPECT_EQ(c.target, "it's here.txt");
    EXPECT_EQ(c.after_tofrom, "(format csv)");
    c = parse(" ct from /tmp/x.txt with csv header");
    EXPECT_TRUE(c.from);
    EXPECT_EQ(c.target, "/tmp/x.txt");
    EXPECT_EQ(c.sql(), "COPY  ct FROM STDIN with csv header");
    c = parse(" ct to x'y (format");
    EXPECT_EQ(c.target, "x") << "a quote ends an unquoted name";
    EXPECT_EQ(c.sql(), "COPY  ct TO STDOUT 'y (format");
}

TEST(ParseCopyCommand, OptionsAreTheRestAfterOneBlank) {
    EXPECT_EQ(parse(" ct to stdout   (format csv)  ").after_tofrom, "  (format csv)  ");
    EXPECT_EQ(parse(" ct TO STDOUT\t(format").sql(), "COPY  ct TO STDOUT (format");
    EXPECT_EQ(parse(" ct to stdout;").after_tofrom, ";");
    EXPECT_EQ(parse(" ct to stdout\nselect 1").sql(), "COPY  ct TO STDOUT select 1");
}

TEST(ParseCopyCommand, StandardStreamsAndPrograms) {
    EXPECT_EQ(parse(" ct FROM STDIN").endpoint, copy_endpoint::script);
    EXPECT_EQ(parse(" ct from stdout").endpoint, copy_endpoint::script)
        << "either name, the direction decides";
    EXPECT_TRUE(parse(" ct from stdout").from);
    EXPECT_EQ(parse(" ct from pstdin").endpoint, copy_endpoint::process_stdio);
    EXPECT_EQ(parse(" ct to PSTDOUT").endpoint, copy_endpoint::process_stdio);
    const copy_command c = parse(" ct to program 'gzip > ''a b''.gz' (format csv)");
    EXPECT_EQ(c.endpoint, copy_endpoint::program);
    EXPECT_EQ(c.target, "gzip > 'a b'.gz");
    EXPECT_EQ(c.after_tofrom, "(format csv)");
}

TEST(ParseCopyCommand, ErrorsAsPsql) {
    EXPECT_EQ(parse_failure(""), "\\copy: arguments required");
    EXPECT_EQ(parse_failure("   "), "\\copy: arguments required");
    EXPECT_EQ(parse_failure(" ct"), "\\copy: parse error at end of line");
    EXPECT_EQ(parse_failure(" ct xx stdout"), "\\copy: parse error at \"xx\"");
    EXPECT_EQ(parse_failure(" db.public.ct to stdout"), "\\copy: parse error at \".\"");
    EXPECT_EQ(parse_failure(" ct ( a to stdout"), "\\copy: parse error at end of line");
    EXPECT_EQ(parse_failure(" ( select 1 to stdout"), "\\copy: parse error at end of line");
    EXPECT_EQ(parse_failure(" ct to"), "\\copy: parse error at end of line");
    EXPECT_EQ(parse_failure(" ct to program"), "\\copy: parse error at end of line");
    EXPECT_EQ(parse_failure(" ct to program cat"), "\\copy: parse error at \"cat\"");
    EXPECT_EQ(parse_failure(" ct to program 'x"), "\\copy: parse error at \"'x\"");
    EXPECT_EQ(parse_failure(" ct to program '"), "\\copy: parse error at \"'\"");
    EXPECT_EQ(parse_failure(" ct \"to\" stdout"), "\\copy: parse error at \"\"to\"\"");
}

TEST(ResolveCopyPath, ExpandsTildeAndTidiesSlashes) {
    EXPECT_EQ(resolve_copy_path("~/x.txt", "/home/me"), "/home/me/x.txt");
    EXPECT_EQ(resolve_copy_path("~", "/home/me"), "/home/me");
    EXPECT_EQ(resolve_copy_path("~no_such_user_pgring/x", "/home/me"), "~no_such_user_pgring/x");
    EXPECT_EQ(resolve_copy_path("/tmp//a///b/", ""), "/tmp/a/b");
    EXPECT_EQ(resolve_copy_path("/tmp/./.", ""), "/tmp");
    EXPECT_EQ(resolve_copy_path("/", ""), "/");
    EXPECT_EQ(resolve_copy_path("rel/x.csv", ""), "rel/x.csv");
}

TEST(SplitCopy, MetaCommandKeepsItsLineAsArguments) {
    const std::vector<script_item> items =
        split_script("select 1;\n\\copy t to stdout (format csv)\nselect 2;");
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[1].kind, script_item::kind_t::meta_command);
    EXPECT_EQ(items[1].text, "\\copy");
    EXPECT_EQ(items[1].arguments, " t to stdout (format csv)");
    EXPECT_EQ(items[1].line, 2u);
    EXPECT_EQ(items[2].text, "select 2;");
}

TEST(SplitCopy, CommandStringIsOneMetaCommandOnlyWhenItStartsWithABackslash) {
    std::vector<script_item> items = split_command_string("\\copy t to stdout\nselect 1");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].text, "\\copy");
    EXPECT_EQ(items[0].arguments, " t to stdout\nselect 1") << "the whole string, as psql's -c";
    EXPECT_EQ(items[0].offset, 0u);
    items = split_command_string(" \\copy t to stdout");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].kind, script_item::kind_t::meta_command);
    EXPECT_EQ(items[0].offset, 1u) << "not at the start: not run as a meta-command";
    items = split_command_string("select 1; select 2");
    EXPECT_EQ(items.size(), 2u);
}

TEST(SplitCopy, CopyFromStdinInAFileTakesTheFollowingLines) {
    const std::string file =
        "\\copy t from stdin\n1\tx;y\n\\.\n\\copy t from pstdin\nselect 2;\n\\copy t to stdout\n\\copy t (a) "
        "FROM "
        "STDIN with csv\n'quoted;\n";
    const std::vector<script_item> items = split_script_with_copy_data(file);
    ASSERT_EQ(items.size(), 5u);
    ASSERT_TRUE(items[0].copy_data);
    EXPECT_EQ(*items[0].copy_data, "1\tx;y\n");
    EXPECT_FALSE(items[1].copy_data) << "pstdin reads the process's stdin, not the file";
    EXPECT_EQ(items[1].line, 4u);
    EXPECT_EQ(items[2].text, "select 2;");
    EXPECT_FALSE(items[3].copy_data);
    ASSERT_TRUE(items[4].copy_data);
    EXPECT_EQ(*items[4].copy_data, "'quoted;\n") << "without \\. the data runs to the end";
}

TEST(CopyProgress, FormatsRowsMegabytesAndRate) {
    using namespace std::chrono_literals;
    EXPECT_EQ(format_copy_progress(12345, 5'600'000, 2s), "COPY: 12345 rows, 5.6 MB, 2.8 MB/s");
    EXPECT_EQ(format_copy_progress(std::nullopt, 5'600'000, 2s), "COPY: 5.6 MB, 2.8 MB/s");
    EXPECT_EQ(format_copy_progress(1, 10, 0ns), "COPY: 1 rows, 0.0 MB") << "no rate before a millisecond";
}

TEST(CopyProgress, CountsWhenNotDrawing) {
    copy_progress p(false, true);
    p.add(2, 100);
    p.add(1, 50);
    EXPECT_EQ(p.rows(), 3u);
    EXPECT_EQ(p.bytes(), 150u);
}

}  // namespace
}  // namespace pgring::cli
