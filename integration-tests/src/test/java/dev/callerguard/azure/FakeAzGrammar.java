package dev.callerguard.azure;

import dev.callerguard.testing.CommandRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The grammar the fake az (src/test/resources/azure/bin/az) parses command lines with, read from that file: per
 * command its words, its required options and the allowed values of some options. Used to make lines the real
 * az CLI and the fake must both refuse.
 */
final class FakeAzGrammar {
    static final Path FAKE_AZ = Path.of("integration-tests", "src", "test", "resources", "azure", "bin", "az").toAbsolutePath();
    private static final String START = "readonly grammar='";
    private static final List<String> OUTPUT_FORMATS = List.of("json", "jsonc", "none", "table", "tsv", "yaml", "yamlc");

    /**
     * One command: its words ("functionapp create"), each required option as its names ("--name", "-n"), and
     * option name to allowed values (["int"] for an integer).
     */
    record Command(String words, List<List<String>> required, Map<String, List<String>> allowedValues) {
    }

    private final List<Command> commands;

    private FakeAzGrammar(List<Command> commands) {
        this.commands = List.copyOf(commands);
    }

    static FakeAzGrammar read() throws IOException {
        String text = Files.readString(FAKE_AZ);
        int start = text.indexOf(START);
        if (start < 0) {
            throw new AssertionError(FAKE_AZ + " has no " + START + "...' block");
        }
        String block = text.substring(start + START.length(), text.indexOf('\'', start + START.length()));
        List<Command> commands = new ArrayList<>();
        for (String line : block.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] fields = line.split("\\|", -1);
            if (fields.length != 4) {
                throw new AssertionError("a grammar line of " + FAKE_AZ + " without four fields: " + line);
            }
            List<List<String>> required = new ArrayList<>();
            for (String option : words(fields[1])) {
                required.add(List.of(option.replaceFirst("\\+$", "").split("/")));
            }
            Map<String, List<String>> allowed = new LinkedHashMap<>();
            allowed.put("--output", OUTPUT_FORMATS);
            allowed.put("-o", OUTPUT_FORMATS);
            for (String choice : words(fields[3])) {
                String[] nameAndValues = choice.split("=", 2);
                allowed.put(nameAndValues[0], List.of(nameAndValues[1].split(",")));
            }
            commands.add(new Command(fields[0].strip(), required, allowed));
        }
        return new FakeAzGrammar(commands);
    }

    List<String> commandWords() {
        return commands.stream().map(Command::words).toList();
    }

    /** The command whose words begin {@code args} (the longest such), or null. */
    Command commandOf(List<String> args) {
        Command found = null;
        for (Command command : commands) {
            List<String> words = words(command.words());
            if (args.size() >= words.size() && args.subList(0, words.size()).equals(words)
                    && (found == null || words.size() > words(found.words()).size())) {
                found = command;
            }
        }
        return found;
    }

    /** {@code args} without the option named by any of {@code names} and the values after it. */
    static List<String> without(List<String> args, List<String> names) {
        List<String> shorter = new ArrayList<>();
        boolean skipping = false;
        for (String arg : args) {
            if (arg.startsWith("-")) {
                skipping = names.contains(arg);
            }
            if (!skipping) {
                shorter.add(arg);
            }
        }
        return shorter;
    }

    /** The fake az run on {@code args}, with an empty state directory. */
    static CommandRun runFake(List<String> args, Path state) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(FAKE_AZ.toString());
        command.addAll(args);
        return CommandRun.of(state, command, Map.of("FAKE_AZ_STATE", state.toString()), 30);
    }

    private static List<String> words(String field) {
        return Arrays.stream(field.strip().split("\\s+")).filter(word -> !word.isEmpty()).toList();
    }
}
