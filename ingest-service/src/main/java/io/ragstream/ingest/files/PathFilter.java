package io.ragstream.ingest.files;

import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/** Which files under a root are loaded and which directories are entered, by the include and exclude globs. */
final class PathFilter {

    private static final String ANY_DIRECTORY = "**/";
    private static final String EVERYTHING_BELOW = "/**";

    private final List<PathMatcher> include;
    private final List<PathMatcher> exclude;
    private final List<PathMatcher> excludeDirectories;

    PathFilter(FileSystem fileSystem, List<String> include, List<String> exclude) {
        this.include = compile(fileSystem, "files.include", include);
        this.exclude = compile(fileSystem, "files.exclude", exclude);
        this.excludeDirectories = compile(
                fileSystem,
                "files.exclude",
                exclude.stream()
                        .filter(glob -> glob.endsWith(EVERYTHING_BELOW))
                        .map(glob -> glob.substring(0, glob.length() - EVERYTHING_BELOW.length()))
                        .filter(glob -> !glob.isEmpty())
                        .toList());
    }

    /** Whether a file, given by its path relative to its root, is loaded. */
    boolean accepts(Path relativeFile) {
        return matchesAny(include, relativeFile) && !matchesAny(exclude, relativeFile);
    }

    /** Whether a directory, relative to its root, may hold loaded files; excluded ones are neither walked nor watched. */
    boolean entersDirectory(Path relativeDirectory) {
        return !matchesAny(excludeDirectories, relativeDirectory);
    }

    private static boolean matchesAny(List<PathMatcher> matchers, Path path) {
        return matchers.stream().anyMatch(matcher -> matcher.matches(path));
    }

    private static List<PathMatcher> compile(FileSystem fileSystem, String setting, List<String> globs) {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String glob : globs) {
            matchers.add(matcher(fileSystem, setting, glob));
            if (glob.startsWith(ANY_DIRECTORY)) {
                // "**/" means any number of directories, none included, as in .gitignore and Ant.
                matchers.add(matcher(fileSystem, setting, glob.substring(ANY_DIRECTORY.length())));
            }
        }
        return List.copyOf(matchers);
    }

    private static PathMatcher matcher(FileSystem fileSystem, String setting, String glob) {
        try {
            return fileSystem.getPathMatcher("glob:" + glob);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "%s glob '%s' is invalid: %s; write it in java.nio glob syntax, e.g. **/*.md"
                            .formatted(setting, glob, e.getDescription()),
                    e);
        }
    }
}
