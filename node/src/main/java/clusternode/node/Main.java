package clusternode.node; public class Main { public static void main(String[] a) {} }
