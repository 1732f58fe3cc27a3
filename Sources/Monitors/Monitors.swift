public enum Monitors {}
