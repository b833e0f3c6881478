package dev.bpfj.toolchain.validate;

/** Edit distance between names, for "did you mean" suggestions. */
final class EditDistance {

    private EditDistance() {
    }

    /**
     * The number of single-character insertions, deletions, substitutions and swaps of two
     * neighbouring characters that turn one string into the other (optimal string alignment
     * distance). Swaps count as one edit because they are the commonest typo ({@code xpd}).
     *
     * @param a one string
     * @param b the other
     * @return the edit distance
     */
    static int between(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    /**
     * How far off a name may be and still get a suggestion: one typo in a short word, up to
     * three in a long one. Keeps "xdp" from being suggested for "tc".
     *
     * @param candidate the known name
     * @return the largest distance worth suggesting it for
     */
    static int tolerance(String candidate) {
        return Math.max(1, Math.min(3, candidate.length() / 4));
    }
}
