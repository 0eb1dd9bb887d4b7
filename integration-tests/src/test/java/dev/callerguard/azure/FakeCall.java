package dev.callerguard.azure;

import java.util.ArrayList;
import java.util.List;

/** One call a fake recorded: the program and its arguments, and the request body it was given (or null). */
record FakeCall(List<String> argv, String body) {

    String program() {
        return argv.get(0);
    }

    /** The value after {@code option}, or null. */
    String option(String option) {
        int at = argv.indexOf(option);
        return at < 0 || at + 1 >= argv.size() ? null : argv.get(at + 1);
    }

    /** The values after {@code option} up to the next option. */
    List<String> options(String option) {
        List<String> values = new ArrayList<>();
        int at = argv.indexOf(option);
        for (int i = at + 1; at >= 0 && i < argv.size() && !argv.get(i).startsWith("--"); i++) {
            values.add(argv.get(i));
        }
        return values;
    }

    /**
     * A short name: the command words ("az apim api create"), "az rest PUT authsettingsV2" with the method and the
     * URI's last path segment, or "mvn".
     */
    String command() {
        if (program().equals("mvn")) {
            return "mvn";
        }
        if (argv.size() > 1 && argv.get(1).equals("rest")) {
            String uri = option("--uri").replaceFirst("\\?.*$", "");
            String[] path = uri.split("/");
            String last = path[path.length - 1];
            if (last.matches("[0-9a-f-]{36}") || path[path.length - 2].equals("sites")) {
                last = path[path.length - 2];
            }
            return "az rest " + option("--method") + " " + last;
        }
        List<String> words = new ArrayList<>();
        for (String arg : argv) {
            if (arg.startsWith("-")) {
                break;
            }
            words.add(arg);
        }
        return String.join(" ", words);
    }

    /** A call that only reads: show, list, exists, or a GET. */
    boolean isLookup() {
        String command = command();
        return command.endsWith(" show") || command.endsWith(" list") || command.endsWith(" exists")
                || command.startsWith("az rest GET") || command.equals("az account get-access-token");
    }

    /** A call that makes something new in Azure. */
    boolean isCreate() {
        String command = command();
        return command.endsWith(" create") || command.endsWith(" assign") || command.startsWith("az rest POST");
    }
}
