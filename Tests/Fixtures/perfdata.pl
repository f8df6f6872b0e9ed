#!/usr/bin/perl
# Reads a Nagios plugin output line on stdin and prints its performance data as Debian's
# Monitoring::Plugin (libmonitoring-plugin-perl) reads it: one JSON object per value, with
# whether its warning and critical ranges alert at each number given as an argument.
use strict;
use warnings;
use JSON::PP;
use Monitoring::Plugin::Performance;

my $line = <STDIN>;
chomp $line;
my (undef, $perfdata) = split /\|/, $line, 2;
my $json = JSON::PP->new->canonical;
for my $value (Monitoring::Plugin::Performance->parse_perfstring($perfdata)) {
    my %item = (label => $value->label, value => $value->value + 0, uom => $value->uom, min => $value->min, max => $value->max);
    for my $kind ('warning', 'critical') {
        my $range = $value->threshold->$kind;
        next unless $range && $range->is_set;
        $item{$kind} = "$range";
        $item{"${kind}_alerts"} = [map { $range->check_range($_) ? JSON::PP::true : JSON::PP::false } @ARGV];
    }
    print $json->encode(\%item), "\n";
}
