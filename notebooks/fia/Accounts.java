// The program notebooks/fia.md analyses: fields whose immutability is known
// from the source. Accounts.class and Accounts$Account.class beside this file
// are what `javac --release 17 Accounts.java` makes of it;
// workbench/notebook's tests compile it again and compare.
import java.util.ArrayList;
import java.util.List;

public class Accounts {
    static final class Account {
        final String owner; // final: written once, in the constructor
        long id;            // not final, but only the constructor writes it
        int balance;        // written again by deposit
        String note;        // written once, after construction
        Account link;       // never written: read as null

        Account(String owner, long id) {
            this.owner = owner;
            this.id = id;
            open(100);
        }

        // called from the constructor: still the object's initialisation
        private void open(int amount) {
            balance = amount;
        }

        void deposit(int amount) {
            balance += amount;
        }
    }

    public static void main(String[] args) {
        List<Account> all = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            all.add(new Account("owner" + i, i));
        }
        for (int i = 0; i < 4; i++) {
            all.get(i).deposit(5);
        }
        all.get(0).note = "closed";
        long total = 0;
        for (Account a : all) {
            total += a.balance + a.id + (a.link == null ? 0 : 1);
        }
        System.out.println(all.size() + " accounts, " + total + " in total, first " + all.get(0).owner + " " + all.get(0).note);
    }
}
