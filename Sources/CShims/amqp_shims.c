#include "amqp_shims.h"
