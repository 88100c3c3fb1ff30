package io.switchgate.route;

/** The Luhn (mod 10) check digit test for card numbers. */
public final class Luhn {

    private Luhn() {
    }

    public static boolean valid(String pan) {
        if (pan == null || pan.length() < 12 || pan.length() > 19) return false;
        int sum = 0;
        boolean dbl = false;
        for (int i = pan.length() - 1; i >= 0; i--) {
            int d = pan.charAt(i) - '0';
            if (d < 0 || d > 9) return false;
            if (dbl) {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }
}
