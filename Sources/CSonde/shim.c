#include "CSonde.h"
