package io.procos.tde.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Arguments from words, for schemas written outside the project: each value to the property it belongs to. */
class ArgumentFillerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalDate TODAY = LocalDate.of(2026, 12, 1); // a Tuesday

    static Map<String, Object> fill(String schema, String text) throws Exception {
        return fill(schema, text, Map.of());
    }

    static Map<String, Object> fill(String schema, String text, Map<String, Object> variables) throws Exception {
        return new ArgumentFiller(JSON.readTree(schema))
                .fill(Mentions.of(text, TODAY), variables)
                .arguments();
    }

    @Test
    void numbersGoToTheirPropertiesByUnitAndTheWordsAroundThem() throws Exception {
        String loan =
                """
            {"type":"object","required":["principal","annual_rate","months"],"properties":{
              "principal":{"type":"number","description":"amount borrowed"},
              "annual_rate":{"type":"number","description":"annual interest rate in percent"},
              "months":{"type":"integer","description":"term of the loan in months"}}}""";
        assertThat(fill(loan, "Monthly payment for a loan of 20000 over 48 months at 6 percent"))
                .isEqualTo(Map.of("principal", 20000L, "annual_rate", 6L, "months", 48L));
        assertThat(fill(loan, "What do I pay each month on $250,000 at 3.5% for 30 years?"))
                .isEqualTo(Map.of("principal", 250000L, "annual_rate", 3.5, "months", 360L));
        String fraction =
                loan.replace("annual interest rate in percent", "annual rate as a decimal fraction, e.g. 0.05");
        assertThat(fill(fraction, "a loan of 20000 over 48 months at 6 percent"))
                .containsEntry("annual_rate", 0.06);
        // what the words do not give stays absent
        assertThat(fill(loan, "Work out the monthly payment on a loan of 20000"))
                .isEqualTo(Map.of("principal", 20000L));
    }

    @Test
    void enumsAreMatchedThroughTheirSynonymsAndOrderWords() throws Exception {
        String convert =
                """
            {"type":"object","required":["value","from_unit","to_unit"],"properties":{
              "value":{"type":"number"},
              "from_unit":{"type":"string","enum":["km","mi","m","ft","kg","lb"]},
              "to_unit":{"type":"string","enum":["km","mi","m","ft","kg","lb"]}}}""";
        assertThat(fill(convert, "Convert 26.2 miles to kilometres"))
                .isEqualTo(Map.of("value", 26.2, "from_unit", "mi", "to_unit", "km"));
        assertThat(fill(convert, "How many pounds is 12 kg?"))
                .isEqualTo(Map.of("value", 12L, "from_unit", "kg", "to_unit", "lb"));
    }

    @Test
    void coordinatesDatesAndCodesAreRead() throws Exception {
        String geo =
                """
            {"type":"object","required":["lat1","lon1","lat2","lon2"],"properties":{
              "lat1":{"type":"number"},"lon1":{"type":"number"},"lat2":{"type":"number"},"lon2":{"type":"number"},
              "unit":{"type":"string","enum":["km","mi"],"description":"km (kilometres) or mi (miles)"}}}""";
        assertThat(fill(geo, "Distance in miles between 48.8566, 2.3522 and 51.5074, -0.1278"))
                .isEqualTo(Map.of("lat1", 48.8566, "lon1", 2.3522, "lat2", 51.5074, "lon2", -0.1278, "unit", "mi"));
        String days =
                """
            {"type":"object","required":["date","days"],"properties":{
              "date":{"type":"string","format":"date"},"days":{"type":"integer"},
              "business_days_only":{"type":"boolean"}}}""";
        assertThat(fill(days, "What date is 45 days after 15 March 2026, excluding business days only? no"))
                .containsEntry("date", "2026-03-15")
                .containsEntry("days", 45L);
        assertThat(fill(days, "Add 10 days to tomorrow")).containsEntry("date", "2026-12-02");
        String ship =
                """
            {"type":"object","required":["weight_kg","destination"],"properties":{
              "weight_kg":{"type":"number"},
              "destination":{"type":"string","description":"ISO 3166 country code, e.g. DE"},
              "service":{"type":"string","enum":["economy","standard","express"]}}}""";
        assertThat(fill(ship, "Quote shipping a 12.5 kg parcel to Germany, overnight please"))
                .isEqualTo(Map.of("weight_kg", 12.5, "destination", "DE", "service", "express"));
    }

    @Test
    void apostrophesAreNoQuotesAndDecimalsNoFiles() throws Exception {
        String write =
                """
            {"type":"object","required":["path","content"],"properties":{
              "path":{"type":"string"},"content":{"type":"string"}}}""";
        assertThat(fill(write, "What's the customer's name? What's more, write it"))
                .isEmpty();
        assertThat(fill(write, "g is 9.8 in Washington D.C. and e.g. here")).isEmpty();
        assertThat(fill(write, "Write 'ship on Friday' to notes/meeting.txt"))
                .isEqualTo(Map.of("path", "notes/meeting.txt", "content", "ship on Friday"));
        String list =
                """
            {"type":"object","properties":{"path":{"type":"string"},"recursive":{"type":"boolean"}}}""";
        assertThat(fill(list, "List the files in the folder dir", Map.of("content", "x")))
                .isEqualTo(Map.of("path", "dir"));
        assertThat(fill(list, "List everything under reports/ including subfolders"))
                .isEqualTo(Map.of("path", "reports/", "recursive", true));
    }

    @Test
    void listsAndVariables() throws Exception {
        String mean =
                """
            {"type":"object","required":["numbers"],"properties":{"numbers":{"type":"array","items":{"type":"number"}}}}""";
        assertThat(fill(mean, "Average of 3, 5.5, 8 and 13")).isEqualTo(Map.of("numbers", List.of(3L, 5.5, 8L, 13L)));
        String merge =
                """
            {"type":"object","required":["files","output"],"properties":{
              "files":{"type":"array","items":{"type":"string"}},"output":{"type":"string","description":"output file"}}}""";
        assertThat(fill(merge, "Merge a.pdf and b.pdf", Map.of("output", "all.pdf")))
                .isEqualTo(Map.of("files", List.of("a.pdf", "b.pdf"), "output", "all.pdf"));
    }

    @Test
    void longRepetitiveTextIsReadWithoutOverflowingTheStack() throws Exception {
        String schema =
                """
            {"type":"object","properties":{"name":{"type":"string"},"path":{"type":"string"},
              "amount":{"type":"number"},"phone":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}}}}""";
        for (String seed : List.of(
                "A ",
                "Aa Bb ",
                "1, ",
                "+1 ",
                "a/",
                "a-1-",
                "'a ",
                "Rue de ",
                "12 Main Street, ",
                "$1,",
                "`",
                "x",
                "Aa1-",
                "a.b/",
                "a@b.")) {
            String text = seed.repeat(70_000 / seed.length());
            Map<String, Object> arguments = fill(schema, text);
            assertThat(arguments).as(seed).isNotNull();
        }
    }
}
