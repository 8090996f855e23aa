import Storage
import Testing

@Suite("SQL scripts")
struct SQLScriptTests {
    @Test func splitsOnSemicolonsBetweenStatements() {
        let script = """
            CREATE TABLE a (x int);
            -- a comment; with a semicolon
            INSERT INTO a VALUES (1);

            /* block; comment */ INSERT INTO a VALUES (2)
            """
        #expect(SQLScript.statements(in: script) == [
            "CREATE TABLE a (x int)",
            "-- a comment; with a semicolon\nINSERT INTO a VALUES (1)",
            "/* block; comment */ INSERT INTO a VALUES (2)",
        ])
    }

    @Test func quotedTextAndDollarBodiesDoNotSplit() {
        let script = """
            INSERT INTO t VALUES ('a;b', 'it''s; fine');
            CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;
            CREATE FUNCTION g() RETURNS int AS $body$ BEGIN RETURN 2; END; $body$ LANGUAGE plpgsql;
            SELECT "odd;name" FROM t;
            """
        let statements = SQLScript.statements(in: script)
        #expect(statements.count == 4)
        #expect(statements[0] == "INSERT INTO t VALUES ('a;b', 'it''s; fine')")
        #expect(statements[1].hasSuffix("$$ SELECT 1; $$ LANGUAGE sql"))
        #expect(statements[2].contains("BEGIN RETURN 2; END;"))
        #expect(statements[3] == #"SELECT "odd;name" FROM t"#)
    }

    @Test func emptyAndCommentOnlyPartsAreDropped() {
        #expect(SQLScript.statements(in: " ;; -- nothing\n ; ").isEmpty)
        #expect(SQLScript.statements(in: "SELECT $1") == ["SELECT $1"])
    }
}
