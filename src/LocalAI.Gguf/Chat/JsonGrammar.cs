namespace LocalAI.Gguf;

/// <summary>The GBNF grammar that constrains <see cref="Microsoft.Extensions.AI.ChatResponseFormat.Json"/> output to one JSON object (after llama.cpp's grammars/json.gbnf, with whitespace bounded).</summary>
internal static class JsonGrammar
{
    public const string Root = "root";

    public const string Text = """
        root   ::= object
        value  ::= object | array | string | number | ("true" | "false" | "null") ws
        object ::= "{" ws ( string ":" ws value ( "," ws string ":" ws value )* )? "}" ws
        array  ::= "[" ws ( value ( "," ws value )* )? "]" ws
        string ::= "\"" ( [^"\\\x7F\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F]{4} ) )* "\"" ws
        number ::= ( "-"? ( [0-9] | [1-9] [0-9]{0,15} ) ) ( "." [0-9]{1,16} )? ( [eE] [-+]? [1-9] [0-9]{0,3} )? ws
        ws     ::= | " " | "\n" [ \t]{0,8}
        """;
}
