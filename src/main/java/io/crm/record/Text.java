package io.crm.record;

/** Checks on text from requests that JSON parsing alone lets through. */
public final class Text {

    private Text() {
    }

    /**
     * Whether {@code s} is well-formed UTF-16: JSON allows escaped lone surrogates ({@code "\ud800"}), which are not
     * text, cannot be stored as UTF-8 and would come back altered, so they are refused.
     */
    public static boolean isWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
