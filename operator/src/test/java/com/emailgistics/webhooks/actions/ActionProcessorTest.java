package com.emailgistics.webhooks.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.emailgistics.webhooks.api.CustomFieldDefinition;
import com.emailgistics.webhooks.api.MailboxSpec;
import com.emailgistics.webhooks.api.MailboxUser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ActionProcessorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String EMOJI = "\uD83D\uDE00"; // U+1F600, one code point, two UTF-16 chars

  private static MailboxSpec mailbox() {
    MailboxSpec spec = new MailboxSpec();
    spec.setAddress("claims@insurer.example");
    spec.setTags(List.of("VIP", "Europe"));
    spec.setUsers(
        List.of(
            new MailboxUser("Joe Cool", "joe.cool@insurer.example"),
            new MailboxUser("Jerri Fallon", "jerri.fallon@insurer.example")));
    spec.setCustomFields(
        List.of(
            new CustomFieldDefinition("claimNumber", null),
            new CustomFieldDefinition("policyNumber", "POL-\\d{6}"),
            new CustomFieldDefinition("code", "A{100}"),
            new CustomFieldDefinition("broken", "(unclosed"),
            new CustomFieldDefinition("slow", "(.*a){20}"),
            new CustomFieldDefinition("anything", "")));
    return spec;
  }

  private static ProcessedActions process(String actionsArray) {
    JsonNode array = json(actionsArray);
    List<JsonNode> actions = new ArrayList<>();
    array.forEach(actions::add);
    return new ActionProcessor(mailbox()).process(actions);
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The single action's applied form; fails when it was dropped. */
  private static EffectiveAction applied(String action) {
    ProcessedActions result = process("[" + action + "]");
    assertThat(result.dropped()).isEmpty();
    assertThat(result.applied()).hasSize(1);
    return result.applied().get(0);
  }

  /** The single action's drop; fails when it was applied. */
  private static DroppedAction dropped(String action) {
    ProcessedActions result = process("[" + action + "]");
    assertThat(result.applied()).isEmpty();
    assertThat(result.dropped()).hasSize(1);
    return result.dropped().get(0);
  }

  @Nested
  class Envelope {
    @Test
    void processingContinuesAfterDroppedActionsAndKeepsTheOrder() {
      ProcessedActions result =
          process(
              """
          [ "bad",
            {"type":"tag","name":"Mark VIP","value":{"tags":["VIP"]}},
            {"type":"bogusType","name":"Future","value":{"x":1}},
            {"type":"setCustomFields","value":{"claimNumber":"CLM-1"}} ]""");

      assertThat(result.applied())
          .extracting(EffectiveAction::index, EffectiveAction::type, EffectiveAction::name)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(1, "tag", "Mark VIP"),
              org.assertj.core.groups.Tuple.tuple(3, "setCustomFields", null));
      assertThat(result.applied().get(0).value()).isEqualTo(json("{\"tags\":[\"VIP\"]}"));
      assertThat(result.applied().get(1).value()).isEqualTo(json("{\"claimNumber\":\"CLM-1\"}"));
      assertThat(result.dropped())
          .containsExactly(
              new DroppedAction(0, null, null, "action 0 is not an object"),
              new DroppedAction(
                  2, "bogusType", "Future", "unknown action type 'bogusType' ignored"));
    }

    @Test
    void nonObjectEntriesAreDropped() {
      List<JsonNode> actions = new ArrayList<>();
      json("[42, \"tag\", null, [], true]").forEach(actions::add);
      actions.add(null);

      ProcessedActions result = new ActionProcessor(mailbox()).process(actions);

      assertThat(result.applied()).isEmpty();
      assertThat(result.dropped())
          .extracting(DroppedAction::reason)
          .containsExactly(
              "action 0 is not an object",
              "action 1 is not an object",
              "action 2 is not an object",
              "action 3 is not an object",
              "action 4 is not an object",
              "action 5 is not an object");
      assertThat(result.dropped()).allSatisfy(d -> assertThat(d.type()).isNull());
    }

    @Test
    void missingOrNonStringTypeIsDropped() {
      ProcessedActions result =
          process(
              """
          [ {"name":"No type","value":{"tags":["VIP"]}},
            {"type":null,"value":{}},
            {"type":7,"name":"Numeric","value":{}} ]""");

      assertThat(result.dropped())
          .containsExactly(
              new DroppedAction(0, null, "No type", "action 0 has no 'type'"),
              new DroppedAction(1, null, null, "action 1 has no 'type'"),
              new DroppedAction(
                  2, null, "Numeric", "action 2 has a 'type' that is a number, not a string"));
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "{\"type\":\"tag\"}                               | value must be an object, not missing",
          "{\"type\":\"tag\",\"value\":null}                | value must be an object, not null",
          "{\"type\":\"tag\",\"value\":[\"VIP\"]}           | value must be an object, not an array",
          "{\"type\":\"setCustomFields\",\"value\":\"x=1\"} | value must be an object, not a string",
        })
    void valueMustBeAnObject(String action, String reason) {
      assertThat(dropped(action).reason()).isEqualTo(reason);
    }

    @Test
    void nonStringNameIsIgnoredWithANote() {
      EffectiveAction action =
          applied("{\"type\":\"tag\",\"name\":{\"label\":\"x\"},\"value\":{\"tags\":[\"VIP\"]}}");

      assertThat(action.name()).isNull();
      assertThat(action.notes()).containsExactly("name ignored: it is an object, not a string");
    }

    @Test
    void unknownTypeIsToleratedWithoutLookingAtItsValue() {
      DroppedAction drop = dropped("{\"type\":\"escalate\",\"name\":\"New in v1.3\"}");

      assertThat(drop)
          .isEqualTo(
              new DroppedAction(
                  0, "escalate", "New in v1.3", "unknown action type 'escalate' ignored"));
    }

    @Test
    void typeNamesAreCaseSensitive() {
      assertThat(dropped("{\"type\":\"Tag\",\"value\":{\"tags\":[\"VIP\"]}}").reason())
          .isEqualTo("unknown action type 'Tag' ignored");
    }

    @Test
    void emptyActionsGiveAnEmptyResultAndTheInputIsNotModified() {
      assertThat(process("[]")).isEqualTo(new ProcessedActions(List.of(), List.of()));

      JsonNode action =
          json("{\"type\":\"tag\",\"value\":{\"tags\":[\"VIP\",\"nope\"],\"extra\":1}}");
      JsonNode before = action.deepCopy();
      EffectiveAction result =
          new ActionProcessor(mailbox()).process(List.of(action)).applied().get(0);

      assertThat(action).isEqualTo(before);
      assertThat(result.value())
          .isNotSameAs(action.get("value"))
          .isEqualTo(json("{\"tags\":[\"VIP\"]}"));
    }
  }

  @Nested
  class Assign {
    @Test
    void usersMatchByNameOrEmailIgnoringCaseAndAreKeptAsGiven() {
      EffectiveAction action =
          applied(
              """
          {"type":"assign","name":"Claims team","value":{
            "mainAssignment":{"users":["joe cool"," JERRI.FALLON@insurer.example ","Bob","bob@insurer.example"],
                              "aaMethod":1,"futureOption":"x"}}}""");

      assertThat(action.value())
          .isEqualTo(
              json(
                  """
          {"mainAssignment":{"users":["joe cool"," JERRI.FALLON@insurer.example "],
                             "ignoreAvailability":false,"ignoreMaxMessages":true,"aaMethod":1},
           "backupAssignments":[]}"""));
      assertThat(action.notes())
          .containsExactly(
              "unknown user 'Bob' dropped from mainAssignment",
              "unknown user 'bob@insurer.example' dropped from mainAssignment");
    }

    @Test
    void specDocumentExampleIsAppliedWithItsOptions() {
      EffectiveAction action =
          applied(
              """
          {"type":"assign","value":{
            "mainAssignment":{"users":["Joe Cool","jerri.fallon@insurer.example"],
                              "ignoreAvailability":false,"ignoreMaxMessages":true,"aaMethod":1},
            "backupAssignments":[{"assignToAnyUser":true,"ignoreAvailability":true,"ignoreMaxMessages":false,
                                  "assignIfUserAvailableWithinMinutes":120,"aaMethod":2}]}}""");

      assertThat(action.value().get("backupAssignments"))
          .isEqualTo(
              json(
                  """
          [{"assignToAnyUser":true,"ignoreAvailability":true,"ignoreMaxMessages":false,
            "assignIfUserAvailableWithinMinutes":120,"aaMethod":2}]"""));
      assertThat(action.notes()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "{\"users\":[\"Joe Cool\"],\"assignToAnyUser\":true} | value.mainAssignment is invalid: it must set exactly one of 'users' or 'assignToAnyUser: true', not both",
          "{\"ignoreAvailability\":true}                        | value.mainAssignment is invalid: it must set exactly one of 'users' or 'assignToAnyUser: true', not neither",
          "{\"assignToAnyUser\":false}                          | value.mainAssignment is invalid: it must set exactly one of 'users' or 'assignToAnyUser: true', not neither",
          "{\"assignToAnyUser\":\"true\"}                       | value.mainAssignment is invalid: assignToAnyUser must be a boolean, not a string",
          "{\"users\":\"Joe Cool\"}                             | value.mainAssignment is invalid: users must be an array of strings, not a string",
          "[\"Joe Cool\"]                                       | value.mainAssignment must be an object, not an array",
        })
    void invalidMainAssignmentDropsTheAction(String main, String reason) {
      DroppedAction drop =
          dropped(
              "{\"type\":\"assign\",\"name\":\"A\",\"value\":{\"mainAssignment\":"
                  + main
                  + ",\"backupAssignments\":[{\"assignToAnyUser\":true}]}}");

      assertThat(drop).isEqualTo(new DroppedAction(0, "assign", "A", reason));
    }

    @Test
    void missingMainAssignmentDropsTheAction() {
      assertThat(
              dropped(
                      "{\"type\":\"assign\",\"value\":{\"backupAssignments\":[{\"assignToAnyUser\":true}]}}")
                  .reason())
          .isEqualTo("value.mainAssignment is required");
    }

    @Test
    void assignToAnyUserFalseNextToUsersIsValid() {
      EffectiveAction action =
          applied(
              "{\"type\":\"assign\",\"value\":{\"mainAssignment\":{\"users\":[\"Joe Cool\"],\"assignToAnyUser\":false}}}");

      assertThat(action.value().get("mainAssignment"))
          .isEqualTo(
              json(
                  "{\"users\":[\"Joe Cool\"],\"ignoreAvailability\":false,\"ignoreMaxMessages\":true}"));
    }

    @Test
    void invalidBackupsAreDroppedWithNotes() {
      EffectiveAction action =
          applied(
              """
          {"type":"assign","value":{
            "mainAssignment":{"users":["Joe Cool"]},
            "backupAssignments":[
              {"users":["Jerri Fallon"],"assignToAnyUser":true},
              "Jerri Fallon",
              {"ignoreMaxMessages":false},
              {"users":["Jerri Fallon", 5]}]}}""");

      assertThat(action.value().get("backupAssignments"))
          .isEqualTo(
              json(
                  "[{\"users\":[\"Jerri Fallon\"],\"ignoreAvailability\":false,\"ignoreMaxMessages\":true}]"));
      assertThat(action.notes())
          .containsExactly(
              "backupAssignments[0] dropped: it must set exactly one of 'users' or 'assignToAnyUser: true', not both",
              "backupAssignments[1] dropped: it is a string, not an object",
              "backupAssignments[2] dropped: it must set exactly one of 'users' or 'assignToAnyUser: true', not neither",
              "backupAssignments[3].users[1] dropped: it is a number, not a string");
    }

    @Test
    void nonArrayBackupsAreIgnoredWithANote() {
      EffectiveAction action =
          applied(
              "{\"type\":\"assign\",\"value\":{\"mainAssignment\":{\"assignToAnyUser\":true},\"backupAssignments\":{\"users\":[]}}}");

      assertThat(action.value().get("backupAssignments")).isEqualTo(json("[]"));
      assertThat(action.notes())
          .containsExactly("backupAssignments ignored: it is an object, not an array");
    }

    @Test
    void emptyMainPoolIsKeptWhenABackupCanAssign() {
      EffectiveAction action =
          applied(
              """
          {"type":"assign","value":{
            "mainAssignment":{"users":["Ghost"]},
            "backupAssignments":[{"users":["Nobody"]},{"assignToAnyUser":true}]}}""");

      assertThat(action.value())
          .isEqualTo(
              json(
                  """
          {"mainAssignment":{"users":[],"ignoreAvailability":false,"ignoreMaxMessages":true},
           "backupAssignments":[{"users":[],"ignoreAvailability":false,"ignoreMaxMessages":true},
                                {"assignToAnyUser":true,"ignoreAvailability":false,"ignoreMaxMessages":true}]}"""));
      assertThat(action.notes())
          .containsExactly(
              "unknown user 'Ghost' dropped from mainAssignment",
              "mainAssignment has no known user left, so its pool is empty and the backups are tried",
              "unknown user 'Nobody' dropped from backupAssignments[0]",
              "backupAssignments[0] has no known user left, so its pool is empty");
    }

    @Test
    void noKnownUserAnywhereDropsTheAction() {
      DroppedAction drop =
          dropped(
              """
          {"type":"assign","name":"Route","value":{
            "mainAssignment":{"users":["Ghost"]},
            "backupAssignments":[{"users":[]},{"users":["joe.cool@other.example"]}]}}""");

      assertThat(drop.name()).isEqualTo("Route");
      assertThat(drop.reason())
          .startsWith("no known users in any assignment: ")
          .contains("unknown user 'Ghost' dropped from mainAssignment")
          .contains("unknown user 'joe.cool@other.example' dropped from backupAssignments[1]");
    }

    @Test
    void mailboxWithoutUsersStillAcceptsAssignToAnyUser() {
      MailboxSpec empty = new MailboxSpec();
      empty.setUsers(null);
      List<JsonNode> actions =
          List.of(
              json(
                  "{\"type\":\"assign\",\"value\":{\"mainAssignment\":{\"assignToAnyUser\":true}}}"));

      assertThat(new ActionProcessor(empty).process(actions).applied()).hasSize(1);
    }

    @Test
    void badOptionsAreRemovedOrDefaultedWithNotes() {
      EffectiveAction action =
          applied(
              """
          {"type":"assign","value":{
            "mainAssignment":{"assignToAnyUser":true,"ignoreAvailability":"yes","ignoreMaxMessages":null,
                              "assignIfUserAvailableWithinMinutes":-5,"aaMethod":"1"},
            "backupAssignments":[{"assignToAnyUser":true,"assignIfUserAvailableWithinMinutes":1.5,"aaMethod":2.0},
                                 {"assignToAnyUser":true,"assignIfUserAvailableWithinMinutes":"120","ignoreMaxMessages":0}]}}""");

      assertThat(action.value())
          .isEqualTo(
              json(
                  """
          {"mainAssignment":{"assignToAnyUser":true,"ignoreAvailability":false,"ignoreMaxMessages":true},
           "backupAssignments":[{"assignToAnyUser":true,"ignoreAvailability":false,"ignoreMaxMessages":true},
                                {"assignToAnyUser":true,"ignoreAvailability":false,"ignoreMaxMessages":true}]}"""));
      assertThat(action.notes())
          .containsExactly(
              "mainAssignment.ignoreAvailability is a string, not a boolean; the default false applies",
              "mainAssignment.assignIfUserAvailableWithinMinutes removed: it must be a non-negative integer, not -5",
              "mainAssignment.aaMethod removed: it must be an integer, not \"1\"",
              "backupAssignments[0].assignIfUserAvailableWithinMinutes removed: it must be a non-negative integer, not 1.5",
              "backupAssignments[0].aaMethod removed: it must be an integer, not 2.0",
              "backupAssignments[1].ignoreMaxMessages is a number, not a boolean; the default true applies",
              "backupAssignments[1].assignIfUserAvailableWithinMinutes removed: it must be a non-negative integer, not \"120\"");
    }

    @Test
    void zeroMinutesIsKept() {
      EffectiveAction action =
          applied(
              """
          {"type":"assign","value":{"mainAssignment":{"assignToAnyUser":true,"assignIfUserAvailableWithinMinutes":0}}}""");

      assertThat(action.value().at("/mainAssignment/assignIfUserAvailableWithinMinutes").intValue())
          .isZero();
    }
  }

  @Nested
  class Tag {
    @Test
    void onlyTagsDefinedOnTheMailboxAreKeptCaseSensitively() {
      EffectiveAction action =
          applied(
              "{\"type\":\"tag\",\"value\":{\"tags\":[\"VIP\",\"vip\",\"Europe\",\"Asia\",7],\"colour\":\"red\"}}");

      assertThat(action.value()).isEqualTo(json("{\"tags\":[\"VIP\",\"Europe\"]}"));
      assertThat(action.notes())
          .containsExactly(
              "unknown tag 'vip' dropped (tags match case-sensitively; the mailbox defines 'VIP')",
              "unknown tag 'Asia' dropped",
              "tags[4] dropped: it is a number, not a string");
    }

    @Test
    void noKnownTagDropsTheAction() {
      DroppedAction drop =
          dropped("{\"type\":\"tag\",\"name\":\"Mark\",\"value\":{\"tags\":[\"europe\"]}}");

      assertThat(drop)
          .isEqualTo(
              new DroppedAction(
                  0,
                  "tag",
                  "Mark",
                  "no tag is defined on the mailbox: unknown tag 'europe' dropped"
                      + " (tags match case-sensitively; the mailbox defines 'Europe')"));
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "{}                 | value.tags is required",
          "{\"tags\":[]}      | value.tags is empty",
          "{\"tags\":\"VIP\"} | value.tags must be an array of strings, not a string",
        })
    void malformedTagsDropTheAction(String value, String reason) {
      assertThat(dropped("{\"type\":\"tag\",\"value\":" + value + "}").reason()).isEqualTo(reason);
    }
  }

  @Nested
  class SetCustomFields {
    @Test
    void entriesAreCheckedOneByOne() {
      EffectiveAction action =
          applied(
              """
          {"type":"setCustomFields","name":"Apply claim context","value":{
            "claimNumber":"CLM-556677",
            "ClaimNumber":"x",
            "unknownKey":"x",
            "policyNumber":"xPOL-123456",
            "anything":"no pattern applies",
            "code":42}}""");

      assertThat(action.value())
          .isEqualTo(json("{\"claimNumber\":\"CLM-556677\",\"anything\":\"no pattern applies\"}"));
      assertThat(action.notes())
          .containsExactly(
              "unknown custom field 'ClaimNumber' dropped (keys match case-sensitively; the mailbox defines 'claimNumber')",
              "unknown custom field 'unknownKey' dropped",
              "custom field 'policyNumber' dropped: the value does not match its validationPattern 'POL-\\d{6}'",
              "custom field 'code' dropped: its value is a number, not a string");
    }

    @Test
    void patternMustMatchTheWholeValue() {
      assertThat(
              applied("{\"type\":\"setCustomFields\",\"value\":{\"policyNumber\":\"POL-889900\"}}")
                  .value())
          .isEqualTo(json("{\"policyNumber\":\"POL-889900\"}"));
      assertThat(
              dropped("{\"type\":\"setCustomFields\",\"value\":{\"policyNumber\":\"POL-8899001\"}}")
                  .reason())
          .isEqualTo(
              "every custom field entry was dropped: custom field 'policyNumber' dropped:"
                  + " the value does not match its validationPattern 'POL-\\d{6}'");
    }

    @Test
    void emptyStringSkipsValidationAndClearsTheField() {
      EffectiveAction action =
          applied(
              "{\"type\":\"setCustomFields\",\"value\":{\"policyNumber\":\"\",\"broken\":\"\",\"code\":\"\"}}");

      assertThat(action.value())
          .isEqualTo(json("{\"policyNumber\":\"\",\"broken\":\"\",\"code\":\"\"}"));
      assertThat(action.notes()).isEmpty();
    }

    @Test
    void longValuesAreTruncatedTo100CodePointsNotUtf16Units() {
      String emoji150 = EMOJI.repeat(150);
      String cjk120 = "漢".repeat(120);
      String exactly100 = EMOJI.repeat(100);
      String boundary =
          "a".repeat(99) + EMOJI + "b"; // 101 code points; the 100th is a surrogate pair
      EffectiveAction action =
          applied(
              "{\"type\":\"setCustomFields\",\"value\":{\"claimNumber\":\""
                  + emoji150
                  + "\",\"anything\":\""
                  + cjk120
                  + "\"}}");
      EffectiveAction exact =
          applied(
              "{\"type\":\"setCustomFields\",\"value\":{\"claimNumber\":\"" + exactly100 + "\"}}");
      EffectiveAction edge =
          applied(
              "{\"type\":\"setCustomFields\",\"value\":{\"claimNumber\":\"" + boundary + "\"}}");

      String emojiResult = action.value().get("claimNumber").textValue();
      assertThat(emojiResult).isEqualTo(EMOJI.repeat(100));
      assertThat(emojiResult.length()).isEqualTo(200);
      assertThat(action.value().get("anything").textValue()).isEqualTo("漢".repeat(100));
      assertThat(action.notes())
          .containsExactly(
              "claimNumber truncated to 100 characters", "anything truncated to 100 characters");

      assertThat(exact.value().get("claimNumber").textValue()).isEqualTo(exactly100);
      assertThat(exact.notes()).isEmpty();

      String edgeResult = edge.value().get("claimNumber").textValue();
      assertThat(edgeResult).isEqualTo("a".repeat(99) + EMOJI);
      assertThat(Character.isLowSurrogate(edgeResult.charAt(edgeResult.length() - 1))).isTrue();
      assertThat(edgeResult.codePointCount(0, edgeResult.length())).isEqualTo(100);
    }

    @Test
    void thePatternIsAppliedToTheTruncatedValue() {
      EffectiveAction action =
          applied(
              "{\"type\":\"setCustomFields\",\"value\":{\"code\":\"" + "A".repeat(150) + "\"}}");

      assertThat(action.value().get("code").textValue()).isEqualTo("A".repeat(100));
      assertThat(action.notes()).containsExactly("code truncated to 100 characters");
    }

    @Test
    void truncatedValueFailingThePatternIsDropped() {
      EffectiveAction action =
          applied(
              "{\"type\":\"setCustomFields\",\"value\":{\"claimNumber\":\"C\",\"policyNumber\":\"POL-"
                  + "1".repeat(120)
                  + "\"}}");

      assertThat(action.value()).isEqualTo(json("{\"claimNumber\":\"C\"}"));
      assertThat(action.notes())
          .containsExactly(
              "policyNumber truncated to 100 characters",
              "custom field 'policyNumber' dropped: the value does not match its validationPattern 'POL-\\d{6}'");
    }

    @Test
    void invalidPatternDropsTheFieldsValuesNamingThePattern() {
      ProcessedActions result =
          process(
              """
          [ {"type":"setCustomFields","value":{"broken":"x","claimNumber":"C"}},
            {"type":"setCustomFields","value":{"broken":"y"}} ]""");

      assertThat(result.applied())
          .singleElement()
          .satisfies(
              a -> {
                assertThat(a.value()).isEqualTo(json("{\"claimNumber\":\"C\"}"));
                assertThat(a.notes())
                    .singleElement()
                    .asString()
                    .startsWith(
                        "custom field 'broken' dropped: its validationPattern '(unclosed' is not a valid regular expression (")
                    .contains("Unclosed group");
              });
      assertThat(result.dropped())
          .singleElement()
          .satisfies(
              d ->
                  assertThat(d.reason())
                      .startsWith(
                          "every custom field entry was dropped: custom field 'broken' dropped: its validationPattern '(unclosed'"));
    }

    @Test
    void catastrophicBacktrackingIsCutShort() {
      String action =
          "{\"type\":\"setCustomFields\",\"value\":{\"slow\":\""
              + "a".repeat(60)
              + "!\",\"claimNumber\":\"C\"}}";

      EffectiveAction result =
          assertTimeoutPreemptively(Duration.ofSeconds(10), () -> applied(action));

      assertThat(result.value()).isEqualTo(json("{\"claimNumber\":\"C\"}"));
      assertThat(result.notes())
          .containsExactly(
              "custom field 'slow' dropped: its validationPattern '(.*a){20}' took too long on the value (catastrophic backtracking?)");
    }

    @Test
    void everyEntryDroppedDropsTheAction() {
      DroppedAction drop =
          dropped(
              "{\"type\":\"setCustomFields\",\"name\":\"Ctx\",\"value\":{\"nope\":\"1\",\"claimNumber\":null}}");

      assertThat(drop)
          .isEqualTo(
              new DroppedAction(
                  0,
                  "setCustomFields",
                  "Ctx",
                  "every custom field entry was dropped: unknown custom field 'nope' dropped;"
                      + " custom field 'claimNumber' dropped: its value is null, not a string"));
    }

    @Test
    void emptyObjectDropsTheAction() {
      assertThat(dropped("{\"type\":\"setCustomFields\",\"value\":{}}").reason())
          .isEqualTo("value has no custom field entries");
    }

    @Test
    void firstDefinitionOfADuplicatedKeyWins() {
      MailboxSpec spec = mailbox();
      List<CustomFieldDefinition> fields = new ArrayList<>(spec.getCustomFields());
      fields.add(new CustomFieldDefinition("claimNumber", "never"));
      spec.setCustomFields(fields);

      ProcessedActions result =
          new ActionProcessor(spec)
              .process(
                  List.of(
                      json(
                          "{\"type\":\"setCustomFields\",\"value\":{\"claimNumber\":\"CLM-1\"}}")));

      assertThat(result.applied()).hasSize(1);
    }
  }

  @Nested
  class SendMessage {
    private static final String TO =
        "\"toAddresses\":[{\"emailAddress\":{\"address\":\"to@example.com\",\"name\":\"To User\"}}]";

    @Test
    void templateModeIsNormalised() {
      EffectiveAction action =
          applied(
              """
          {"type":"sendMessage","name":"Send follow-up template","value":{
            "templateName":"Customer Followup","subject":"Optional subject override",
            "toAddresses":[{"emailAddress":{"address":"to@example.com","name":"To User","extra":1}}],
            "ccAddresses":[{"emailAddress":{"address":"cc@example.com"}}],
            "bccAddresses":[],
            "inlineAssets":[{"id":"x"}],
            "priority":"high"}}""");

      assertThat(action.value())
          .isEqualTo(
              json(
                  """
          {"templateName":"Customer Followup","subject":"Optional subject override",
           "toAddresses":[{"emailAddress":{"address":"to@example.com","name":"To User"}}],
           "ccAddresses":[{"emailAddress":{"address":"cc@example.com"}}],
           "bccAddresses":[]}"""));
      assertThat(action.notes())
          .containsExactly(
              "inlineAssets removed: only inline mode (body+bodyType) carries inline assets");
    }

    @Test
    void inlineModeWithAssetsIsNormalised() {
      EffectiveAction action =
          applied(
              """
          {"type":"sendMessage","value":{
            "body":"<p>Thanks.</p><img src=\\"cid:logo1\\"/>","bodyType":"html","subject":"Re: Coverage",
            %s,"ccAddresses":[],
            "inlineAssets":[{"id":"logo1","filename":"logo.png","contentType":"image/png",
                             "base64Content":"iVBORw0KGgoA\\nAAANSUhEUgAA"}]}}"""
                  .formatted(TO));

      assertThat(action.value())
          .isEqualTo(
              json(
                  """
          {"body":"<p>Thanks.</p><img src=\\"cid:logo1\\"/>","bodyType":"html","subject":"Re: Coverage",
           %s,"ccAddresses":[],
           "inlineAssets":[{"id":"logo1","filename":"logo.png","contentType":"image/png",
                            "base64Content":"iVBORw0KGgoA\\nAAANSUhEUgAA"}]}"""
                      .formatted(TO)));
      assertThat(action.notes()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "\"templateName\":\"T\",\"body\":\"b\",\"bodyType\":\"text\" | sendMessage needs either templateName or body+bodyType, not both",
          "\"templateName\":\"T\",\"bodyType\":\"text\"                | sendMessage needs either templateName or body+bodyType, not both",
          "\"subject\":\"s\"                                           | sendMessage needs either templateName or body+bodyType, not neither",
          "\"templateName\":null                                       | sendMessage needs either templateName or body+bodyType, not neither",
          "\"body\":\"b\"                                              | sendMessage needs either templateName or body+bodyType, not neither (body without bodyType)",
          "\"bodyType\":\"html\"                                       | sendMessage needs either templateName or body+bodyType, not neither (bodyType without body)",
          "\"body\":\"b\",\"bodyType\":\"HTML\"                        | bodyType must be \"html\" or \"text\", not \"HTML\"",
          "\"body\":\"b\",\"bodyType\":\"markdown\"                    | bodyType must be \"html\" or \"text\", not \"markdown\"",
          "\"body\":7,\"bodyType\":\"text\"                            | body must be a string, not a number",
          "\"templateName\":\" \"                                      | templateName must be a non-blank string, not \" \"",
        })
    void modesAreExclusiveAndValidated(String fields, String reason) {
      DroppedAction drop =
          dropped(
              "{\"type\":\"sendMessage\",\"name\":\"Reply\",\"value\":{"
                  + fields
                  + ","
                  + TO
                  + "}}");

      assertThat(drop).isEqualTo(new DroppedAction(0, "sendMessage", "Reply", reason));
    }

    @Test
    void invalidModeDoesNotStopLaterActions() {
      ProcessedActions result =
          process(
              """
          [ {"type":"sendMessage","value":{"templateName":"T","body":"b","bodyType":"text","toAddresses":[]}},
            {"type":"tag","value":{"tags":["VIP"]}} ]""");

      assertThat(result.dropped()).extracting(DroppedAction::index).containsExactly(0);
      assertThat(result.applied()).extracting(EffectiveAction::index).containsExactly(1);
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "\"toAddresses\":[{\"emailAddress\":{\"address\":\"ok@example.com\"}},{\"emailAddress\":{\"address\":\"nobody\"}}] | toAddresses[1] is not a valid Address: emailAddress.address 'nobody' is not a well-formed address (one '@' between a local part and dot-separated domain labels, no spaces, at most 254 characters)",
          "\"toAddresses\":[{\"emailAddress\":{\"address\":\"  \"}}]                                                       | toAddresses[0] is not a valid Address: emailAddress.address is blank",
          "\"toAddresses\":[{\"emailAddress\":{\"address\":\"pat doe@example.com\"}}]                                      | toAddresses[0] is not a valid Address: emailAddress.address 'pat doe@example.com' is not a well-formed address (one '@' between a local part and dot-separated domain labels, no spaces, at most 254 characters)",
          "\"toAddresses\":[{\"emailAddress\":{\"address\":\"a@@example..com\"}}]                                          | toAddresses[0] is not a valid Address: emailAddress.address 'a@@example..com' is not a well-formed address (one '@' between a local part and dot-separated domain labels, no spaces, at most 254 characters)",
          "\"toAddresses\":[\"to@example.com\"]                                                                             | toAddresses[0] is not a valid Address: it is a string, not an object",
          "\"toAddresses\":[{\"address\":\"to@example.com\"}]                                                               | toAddresses[0] is not a valid Address: emailAddress must be an object",
          "\"toAddresses\":[{\"emailAddress\":{\"address\":7}}]                                                             | toAddresses[0] is not a valid Address: emailAddress.address must be a string",
          "\"toAddresses\":[{\"emailAddress\":{\"address\":\"a@b\"}}],\"ccAddresses\":[{\"emailAddress\":{\"address\":\"c@d\",\"name\":1}}] | ccAddresses[0] is not a valid Address: emailAddress.name must be a string, not a number",
          "\"toAddresses\":[{\"emailAddress\":{\"address\":\"a@b\"}}],\"bccAddresses\":[{},{\"emailAddress\":{\"address\":\"x\"}}] | bccAddresses[0] is not a valid Address: emailAddress must be an object",
          "\"toAddresses\":[{\"emailAddress\":{\"address\":\"a@b\"}}],\"ccAddresses\":\"c@d\"                              | ccAddresses must be an array of Address, not a string",
          "\"subject\":\"no recipients\"                                                                                    | toAddresses is required",
        })
    void malformedRecipientsDropTheAction(String fields, String reason) {
      assertThat(
              dropped(
                      "{\"type\":\"sendMessage\",\"value\":{\"templateName\":\"T\","
                          + fields
                          + "}}")
                  .reason())
          .isEqualTo(reason);
    }

    @Test
    void emptyToAddressesIsAcceptedWithANote() {
      EffectiveAction action =
          applied(
              "{\"type\":\"sendMessage\",\"value\":{\"templateName\":\"T\",\"subject\":5,\"toAddresses\":[]}}");

      assertThat(action.value()).isEqualTo(json("{\"templateName\":\"T\",\"toAddresses\":[]}"));
      assertThat(action.notes())
          .containsExactly(
              "subject removed: it is a number, not a string",
              "toAddresses is empty; the product's default recipient is not documented");
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "{\"id\":\"a\",\"filename\":\"a.png\",\"contentType\":\"image/png\",\"base64Content\":\"not base64!\"} | inlineAssets[0].base64Content is not valid base64",
          "{\"id\":\"a\",\"filename\":\"a.png\",\"contentType\":\"image/png\",\"base64Content\":\"QQ=x\"}        | inlineAssets[0].base64Content is not valid base64",
          "{\"id\":\"a\",\"filename\":\"a.png\",\"base64Content\":\"QUJD\"}                                  | inlineAssets[0].contentType must be a non-blank string",
          "{\"id\":7,\"filename\":\"a.png\",\"contentType\":\"image/png\",\"base64Content\":\"QUJD\"}         | inlineAssets[0].id must be a non-blank string",
          "\"logo\"                                                                                          | inlineAssets[0] must be an object, not a string",
        })
    void invalidInlineAssetsDropTheAction(String asset, String reason) {
      assertThat(
              dropped(
                      "{\"type\":\"sendMessage\",\"value\":{\"body\":\"b\",\"bodyType\":\"html\","
                          + TO
                          + ",\"inlineAssets\":["
                          + asset
                          + "]}}")
                  .reason())
          .isEqualTo(reason);
    }

    @Test
    void repeatedInlineAssetIdsDropTheAction() {
      String asset =
          "{\"id\":\"logo\",\"filename\":\"a.png\",\"contentType\":\"image/png\",\"base64Content\":\"QUJD\"}";

      assertThat(
              dropped(
                      "{\"type\":\"sendMessage\",\"value\":{\"body\":\"b\",\"bodyType\":\"html\","
                          + TO
                          + ",\"inlineAssets\":["
                          + asset
                          + ","
                          + asset
                          + "]}}")
                  .reason())
          .isEqualTo("inlineAssets[1].id 'logo' repeats inlineAssets[0].id");
      assertThat(
              dropped(
                      "{\"type\":\"sendMessage\",\"value\":{\"body\":\"b\",\"bodyType\":\"html\","
                          + TO
                          + ",\"inlineAssets\":{}}}")
                  .reason())
          .isEqualTo("inlineAssets must be an array, not an object");
    }
  }

  @Nested
  class ForwardMessage {
    @Test
    void ccAndBccAreDroppedWithNotes() {
      EffectiveAction action =
          applied(
              """
          {"type":"forwardMessage","name":"Forward to underwriting team","value":{
            "toAddresses":[{"emailAddress":{"address":"agent1@example.com","name":"Agent 1"}},
                           {"emailAddress":{"address":"agent2@example.com"}}],
            "comment":"Please review for coverage eligibility.",
            "ccAddresses":[{"emailAddress":{"address":"cc@example.com"}}],
            "bccAddresses":[{"emailAddress":{"address":"bcc@example.com"}}]}}""");

      assertThat(action.value())
          .isEqualTo(
              json(
                  """
          {"toAddresses":[{"emailAddress":{"address":"agent1@example.com","name":"Agent 1"}},
                          {"emailAddress":{"address":"agent2@example.com"}}],
           "comment":"Please review for coverage eligibility."}"""));
      assertThat(action.notes())
          .containsExactly(
              "ccAddresses dropped: forwardMessage has no cc/bcc; put every recipient in toAddresses",
              "bccAddresses dropped: forwardMessage has no cc/bcc; put every recipient in toAddresses");
    }

    @Test
    void nonStringCommentIsRemovedWithANote() {
      EffectiveAction action =
          applied(
              "{\"type\":\"forwardMessage\",\"value\":{\"toAddresses\":[{\"emailAddress\":{\"address\":\"a@b\"}}],\"comment\":[\"x\"]}}");

      assertThat(action.value())
          .isEqualTo(json("{\"toAddresses\":[{\"emailAddress\":{\"address\":\"a@b\"}}]}"));
      assertThat(action.notes()).containsExactly("comment removed: it is an array, not a string");
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '|',
        value = {
          "{\"comment\":\"c\"}                                                  | toAddresses is required",
          "{\"toAddresses\":[]}                                                 | toAddresses must not be empty",
          "{\"toAddresses\":[{\"emailAddress\":{\"address\":\"agent.example\"}}]} | toAddresses[0] is not a valid Address: emailAddress.address 'agent.example' is not a well-formed address (one '@' between a local part and dot-separated domain labels, no spaces, at most 254 characters)",
        })
    void recipientsAreRequiredAndValidated(String value, String reason) {
      assertThat(dropped("{\"type\":\"forwardMessage\",\"value\":" + value + "}").reason())
          .isEqualTo(reason);
    }
  }

  @Test
  void base64AcceptsPaddingVariantsAndWrapping() {
    assertThat(Arrays.asList("QUJD", "QUI=", "QUI", "QUJD\r\nREVG", "QUJD REVG"))
        .allSatisfy(s -> assertThat(SendMessageAction.isBase64(s)).as(s).isTrue());
    assertThat(Arrays.asList("QUJD*", "Q", "QUJD-_"))
        .allSatisfy(s -> assertThat(SendMessageAction.isBase64(s)).as(s).isFalse());
  }
}
